"""/search: entities by label, acronym and other names; ranked; JSON by default, HTML for browsers."""
import re

from aichr_kg.search import RECORDS, normalise

from .htmlcheck import read_html

BASE = "https://w3id.org/aichr-kg/"
TIERS = ["exact", "prefix", "word", "substring", "words"]


def _search(client, q, **params):
    response = client.get("/search", params={"q": q, **params})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    return response.json()


def test_acronym_finds_the_body_first_with_its_label_and_kind(ld_client):
    body = _search(ld_client, "AICHR")
    first = body["results"][0]
    assert first["iri"] == BASE + "id/body/aichr"
    assert first["label"] == "ASEAN Intergovernmental Commission on Human Rights"
    assert first["kind"] == "ASEAN body" and first["kindIri"] == BASE + "ontology#ASEANBody"
    assert first["matched"] == "AICHR" and first["match"] == "exact"
    assert first["href"] == "/doc/body/aichr"


def test_search_ignores_case_and_accents(ld_client, store):
    vietnam = store.select('SELECT ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> "Viet Nam"@en }').rows
    assert vietnam, "Viet Nam is labelled in the graph"
    for q in ("viet nam", "VIET NAM", "Việt Nam", "Viêt-Nam"):
        assert _search(ld_client, q)["results"][0]["iri"] == vietnam[0]["s"].value, q
    assert _search(ld_client, "aichr")["results"] == _search(ld_client, "AICHR")["results"]


def test_results_are_ranked_by_tier_then_by_length(ld_client):
    results = _search(ld_client, "indonesia", limit=100)["results"]
    # things first, then records that link them (participations, post holdings); within each, by tier then length
    records = [r["kindIri"].rsplit("#", 1)[-1] in RECORDS for r in results]
    assert records == sorted(records), "records after the things they link"
    for group in (False, True):
        ranks = [(TIERS.index(r["match"]), len(normalise(r["matched"]))) for r, rec in zip(results, records) if rec is group]
        assert [r[0] for r in ranks] == sorted(r[0] for r in ranks), "exact > prefix > word prefix > substring"
        for tier in set(r[0] for r in ranks):
            lengths = [length for t, length in ranks if t == tier]
            assert lengths == sorted(lengths), "shorter names first within a tier"
    assert any(records) and not all(records)
    assert {"exact", "prefix", "word"} <= {r["match"] for r in results}
    assert len({r["iri"] for r in results}) == len(results), "each entity once"


def test_substring_and_word_prefix_matches(ld_client):
    word = _search(ld_client, "intergovernmental commission")["results"]
    assert word and word[0]["iri"] == BASE + "id/body/aichr" and word[0]["match"] == "word"
    inside = _search(ld_client, "governmental commission on human")["results"]
    assert BASE + "id/body/aichr" in {r["iri"] for r in inside}
    assert {r["match"] for r in inside} <= {"substring", "word"}


def test_limit_is_honoured_and_bounded(small_client):
    assert len(_search(small_client, "a")["results"]) == 3  # search_limit
    assert len(_search(small_client, "a", limit=2)["results"]) == 2
    bounded = _search(small_client, "a", limit=1000)
    assert bounded["limit"] == 5 and len(bounded["results"]) == 5  # max_search_limit
    assert small_client.get("/search", params={"q": "a", "limit": 0}).status_code == 422


def test_empty_or_unmatched_query_gives_no_results(ld_client):
    assert _search(ld_client, "")["results"] == []
    assert _search(ld_client, "zzqqxxyy")["results"] == []


def test_browsers_get_a_page_with_a_form_and_links(ld_client):
    response = ld_client.get("/search", params={"q": "AICHR"}, headers={"accept": "text/html,*/*;q=0.8"})
    assert response.headers["content-type"].startswith("text/html")
    page = read_html(response.text)
    assert any(f["action"] == "/search" and "q" in f["inputs"] for f in page.forms)
    assert "ASEAN Intergovernmental Commission on Human Rights" in page.link_text("/doc/body/aichr")
    assert "ASEAN body" in page.text and page.inline_scripts == 0


def test_search_page_escapes_the_query(ld_client):
    response = ld_client.get("/search", params={"q": "<script>alert(1)</script>", "format": "html"})
    assert "<script>alert(1)" not in response.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_a_misspelt_word_finds_the_name_it_means(ld_client):
    """No name holds 'trafiking': the nearest spelling the names use ('trafficking') answers instead."""
    results = _search(ld_client, "trafiking")["results"]
    assert results and results[0]["label"] == "Trafficking in persons" and results[0]["match"] == "near"
    assert _search(ld_client, "qqqqzzzz")["results"] == []


def test_pages_of_results_and_a_kind_filter(ld_client):
    first = ld_client.get("/search", params={"q": "asean", "format": "html"}).text
    assert 'rel="next"' in first and "Results 1–20" in first
    second = ld_client.get("/search", params={"q": "asean", "format": "html", "offset": 20}).text
    assert "Results 21–" in second and 'rel="prev"' in second
    series = ld_client.get("/search", params={"q": "dialogue", "format": "html", "kind": "Event series"}).text
    kinds = set(re.findall(r'<span class="kind">([^<]*)</span>', series))
    assert kinds == {"Event series"}
