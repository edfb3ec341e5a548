"""The build's bulk paths give the store the build used to get one quad at a time in Python: ``load_merged`` (the
named graphs and their merge, read from N-Quads by the engine's loader) against ``bulk_load`` plus
``merge_default_graph``, and ``add_constructed`` (a rule's result through a file) against ``add_triples``. The inputs
hold what a text-level merge could get wrong: blank nodes as subject and object (which the loader renames), a blank
graph name, and literals that look like the end of a line or of a graph name."""

import pyoxigraph as ox
import pytest

from aichr_kg.build import build
from aichr_kg.settings import Settings
from aichr_kg import store as store_module
from aichr_kg.store import EmbeddedStore

EX = "https://example.org/"
TRICKY = [  # literals that hold the text of an N-Quads line end, a graph name, a blank node
    'ends like a line <https://example.org/g1> .', 'a> _:b1 .', '_:b2 <x> .', 'two\nlines .\n', 'tab\tand "quote"',
    'ends in a blank label _:b1', 'x _:b1 <https://example.org/g1> .',
]


def quads() -> list[ox.Quad]:
    g1, g2, p = ox.NamedNode(EX + "g1"), ox.NamedNode(EX + "g2"), ox.NamedNode(EX + "p")
    blank, other = ox.BlankNode("b1"), ox.BlankNode("b2")
    out = [ox.Quad(ox.NamedNode(EX + f"s{n}"), p, ox.Literal(text), g1) for n, text in enumerate(TRICKY)]
    out += [ox.Quad(ox.NamedNode(EX + "s0"), p, ox.Literal(TRICKY[0]), g2),  # one triple stated in two graphs
            ox.Quad(blank, p, ox.Literal("blank subject"), g1), ox.Quad(ox.NamedNode(EX + "s9"), p, blank, g2),
            ox.Quad(blank, p, other, g2), ox.Quad(ox.NamedNode(EX + "s8"), p, ox.Literal("x", language="en"), g2),
            ox.Quad(ox.NamedNode(EX + "s7"), p, ox.Literal("7", datatype=ox.NamedNode(
                "http://www.w3.org/2001/XMLSchema#integer")), g1)]
    return out


def canonical(store: EmbeddedStore) -> set[tuple]:
    """The quads with blank nodes named by what they state (the store's own names differ between loads)."""
    names = {}
    for quad in sorted(store.oxi, key=str):
        for term in (quad.subject, quad.object):
            if isinstance(term, ox.BlankNode) and term.value not in names:
                names[term.value] = sorted(str(q.object) for q in store.oxi.quads_for_pattern(term, None, None)
                                           if not isinstance(q.object, ox.BlankNode))
    name = lambda t: ("blank", tuple(names[t.value])) if isinstance(t, ox.BlankNode) else str(t)  # noqa: E731
    return {(name(q.subject), str(q.predicate), name(q.object), "a blank graph" if isinstance(q.graph_name, ox.BlankNode) else str(q.graph_name))
            for q in store.oxi}


@pytest.fixture
def nquads(tmp_path):
    path = tmp_path / "data.nq"
    ox.serialize(quads(), str(path), format=ox.RdfFormat.N_QUADS)
    return path


def slow_way(*paths) -> EmbeddedStore:
    store = EmbeddedStore()
    for path in paths:
        store.oxi.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    store.merge_default_graph()
    return store


def test_the_bulk_merge_gives_the_store_the_exact_merge_gives(nquads):
    fast = EmbeddedStore()
    fast.load_merged([nquads])
    assert canonical(fast) == canonical(slow_way(nquads))
    default = list(fast.oxi.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    assert len(default) == len({(q.subject, q.predicate, q.object) for q in quads()})  # each distinct triple once
    # a blank node of the default graph is the same node as in the named graphs, not a renamed copy
    assert fast.ask("ASK { ?b <https://example.org/p> 'blank subject' . GRAPH ?g { ?b ?p ?o FILTER isBlank(?o) } }")


@pytest.mark.parametrize("chunk", [37, 200, 1 << 24])
def test_the_merge_is_the_same_whatever_the_chunks(monkeypatch, nquads, chunk):
    """Lines cut across chunks, and a blank node's lines in different chunks: still one node, in every graph."""
    monkeypatch.setattr(store_module, "_CHUNK", chunk)
    fast = EmbeddedStore()
    fast.load_merged([nquads])
    assert canonical(fast) == canonical(slow_way(nquads))
    blanks = {t.value for q in fast.oxi for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)}
    assert len(blanks) == 2


def test_a_file_without_blank_nodes_and_a_last_line_without_its_end(tmp_path):
    plain = tmp_path / "plain.nq"
    plain.write_bytes(b'<https://example.org/s> <https://example.org/p> "x" <https://example.org/g> .\n'
                      b'<https://example.org/s> <https://example.org/p> "y" <https://example.org/h> .')
    fast = EmbeddedStore()
    fast.load_merged([plain])
    assert canonical(fast) == canonical(slow_way(plain)) and len(fast.oxi) == 4


def test_a_line_without_a_graph_name_falls_back_to_the_exact_merge(tmp_path, nquads):
    odd = tmp_path / "triple.nq"
    odd.write_text('<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n'
                   '<https://example.org/s> <https://example.org/p> "in a graph" <https://example.org/g3> .\n')
    fast = EmbeddedStore()
    fast.load_merged([nquads, odd])
    assert canonical(fast) == canonical(slow_way(nquads, odd))


def test_a_blank_graph_name_falls_back_to_the_exact_merge(tmp_path, nquads):
    odd = tmp_path / "odd.nq"
    odd.write_text('<https://example.org/s> <https://example.org/p> <https://example.org/o> _:graph .\n')
    fast = EmbeddedStore()
    fast.load_merged([nquads, odd])
    assert canonical(fast) == canonical(slow_way(nquads, odd))
    assert fast.ask("ASK { <https://example.org/s> <https://example.org/p> <https://example.org/o> }")


def test_a_line_cut_short_is_refused(tmp_path):
    cut = tmp_path / "cut.nq"
    cut.write_bytes(b'<https://example.org/s> <https://example.org/p> "x" <https://example.org/g> .\n<https://ex')
    with pytest.raises(SyntaxError):
        EmbeddedStore().load_merged([cut])


@pytest.mark.parametrize("template", ["?s <https://example.org/q> ?o", "?s <https://example.org/q> [ <https://example.org/r> ?o ]"])
def test_a_rule_through_a_file_adds_what_add_triples_adds(nquads, template):
    rule = f"CONSTRUCT {{ {template} }} WHERE {{ ?s <https://example.org/p> ?o }}"
    fast, slow = slow_way(nquads), slow_way(nquads)
    fast.add_constructed(fast.raw(rule), EX + "derived")
    slow.add_triples(list(slow.raw(rule)), EX + "derived", merged=True)
    assert canonical(fast) == canonical(slow)
    assert fast.ask("ASK { GRAPH <https://example.org/derived> { ?s <https://example.org/q> ?o } ?s <https://example.org/q> ?o }")


def test_the_curated_build_is_the_one_the_exact_merge_gives(project):
    """The whole build (bulk merge, stamp, rules through files) against the same named graphs merged the exact way."""
    built = build(Settings(root=project), validate=False).store
    exact = EmbeddedStore()
    exact.oxi.bulk_extend(built.named_quads())
    exact.merge_default_graph()
    assert canonical(built) == canonical(exact)
