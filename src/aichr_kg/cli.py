"""The ``aichr-kg`` command: build, validate, query, stats (and serve, load once the service is installed).

Bad input gets one line on stderr and a non-zero exit, never a traceback.
"""

import shutil
import sys
import time
from importlib.metadata import entry_points
from pathlib import Path

import click

from aichr_kg.build import InvalidData
from aichr_kg.dumps import publish_dumps, write_dumps
from aichr_kg.catalogue import Catalogue, ParameterError, QueryNotFound
from aichr_kg.diskstore import kept, open_built
from aichr_kg.output import FORMATS, render
from aichr_kg.parsing import DataFilesError
from aichr_kg.settings import Settings


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _settings(ctx: click.Context) -> Settings:
    return ctx.obj


def build_or_fail(settings: Settings, make=open_built):
    """``make(settings)`` (a build; by default kept on disk for the next command and the service), or the process
    ends with every broken file or SHACL violation listed."""
    try:
        return make(settings)
    except DataFilesError as exc:
        for err in exc.errors:
            click.echo(f"error: {err}", err=True)
        sys.exit(1)
    except InvalidData as exc:
        for violation in exc.violations:
            click.echo(str(violation), err=True)
        _fail(f"{len(exc.violations)} SHACL violation(s); the graph was not built")


@click.group()
@click.version_option(package_name="aichr-kg", prog_name="aichr-kg")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), help="Folder with ontology/, data/, shapes/, queries/.")
@click.pass_context
def main(ctx: click.Context, root: Path | None) -> None:
    """The knowledge graph of ASEAN human-rights actors."""
    ctx.obj = Settings(**({"root": root} if root else {}))


@main.command(name="validate")
@click.pass_context
def validate_cmd(ctx: click.Context) -> None:
    """Parse every file and check the data against the SHACL shapes."""
    from aichr_kg.sources import all_files
    from aichr_kg.validation import validate_files

    settings = _settings(ctx)
    files = all_files(settings)
    try:
        violations = validate_files(files, settings.root)
    except DataFilesError as exc:
        for err in exc.errors:
            click.echo(f"error: {err}", err=True)
        sys.exit(1)
    for violation in violations:
        click.echo(f"{violation.severity}: {violation}")
    blocking = sum(v.severity == "Violation" for v in violations)
    data = sum(1 for f in files if f.kind == "data")
    if blocking:
        _fail(f"{blocking} violation(s) in {data} data files")
    from aichr_kg.build import build

    problems = _report_quality(build(settings, validate=False).store, settings)
    click.echo(f"valid: {data} data files conform to the shapes ({len(violations) + problems} warning(s))")


def _report_quality(store, settings: Settings) -> int:
    """Print the quality checks' problems as warnings (they become errors in ``check-sources``); return how many."""
    import json

    from aichr_kg.quality import Problem, run_checks

    def write(path: Path) -> None:  # kept with a build on disk: the same build has the same problems
        path.write_text(json.dumps([vars(p) for p in run_checks(store, settings)]), encoding="utf-8")

    found = kept(store, "quality.json", write)
    problems = [Problem(**p) for p in json.loads(found.read_text(encoding="utf-8"))] if found else run_checks(store, settings)
    for problem in problems:
        click.echo(f"Warning: {problem}")
    if problems:
        click.echo(f"{len(problems)} quality problem(s): `aichr-kg check-sources` lists them per source", err=True)
    return len(problems)


@main.command(name="check-sources")
@click.argument("slug", required=False)
@click.pass_context
def check_sources_cmd(ctx: click.Context, slug: str | None) -> None:
    """Check that each source document (or only SLUG) is completely curated: every statement node has a locator,
    every reading a curator note, every background fact a citation, no note in a source graph, no prov:wasDerivedFrom
    on entities, every graph described. Exits non-zero on any problem."""
    from aichr_kg.quality import by_source, run_checks, source_slugs

    settings = _settings(ctx)
    store = build_or_fail(settings).store
    slugs = source_slugs(store, settings)
    if slug is not None and slug not in slugs:
        _fail(f"no source '{slug}': the sources are {', '.join(slugs)}", 2)
    groups = by_source(run_checks(store, settings), slugs, settings)
    shown = {slug: groups.get(slug, [])} if slug else groups
    for name, problems in shown.items():
        click.echo(f"{name}: {'complete' if not problems else f'{len(problems)} problem(s)'}")
        for problem in problems:
            click.echo(f"  {problem.focus}: {problem.message} ({problem.check}, in {problem.graph})")
    total = sum(len(p) for p in shown.values())
    if total:
        _fail(f"{total} problem(s) in {sum(1 for p in shown.values() if p)} of {len(shown)} checked")


@main.command(name="build")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Folder for the dumps (default dist/).")
@click.option("--release", "release_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also keep this build's dumps as a release: RELEASE_DIR/VERSION/aichr-kg-VERSION.* (what "
                   "AICHR_KG_RELEASES_DIR serves at /download/VERSION/).")
@click.pass_context
def build_cmd(ctx: click.Context, out: Path | None, release_dir: Path | None) -> None:
    """Parse, validate, load, derive and write dumps (Turtle, N-Triples, TriG, N-Quads, JSON-LD)."""
    from aichr_kg.release import read_version

    settings = _settings(ctx)
    started = time.perf_counter()
    result = build_or_fail(settings)
    version = read_version(result.store, settings)
    store = result.store
    made = kept(store, "dumps", lambda folder: write_dumps(store, folder))  # once per build kept on disk
    paths = publish_dumps(made, out or settings.dist) if made else write_dumps(store, out or settings.dist)
    from aichr_kg.ontology_doc import render_store

    page = (out or settings.dist) / "ontology.html"  # the ontology's documentation, as /ontology serves it
    rendered = kept(store, "ontology.html", lambda path: path.write_text(render_store(store, settings), encoding="utf-8"))
    page.unlink(missing_ok=True)
    if rendered:
        shutil.copyfile(rendered, page)
    else:
        page.write_text(render_store(store, settings), encoding="utf-8")
    paths.append(page)
    if release_dir is not None:
        paths += (publish_dumps(made, release_dir / version, version=version) if made
                  else write_dumps(store, release_dir / version, version=version))
    click.echo(f"built {result.store.triple_count()} triples in {time.perf_counter() - started:.2f} s (data version {version})")
    _report_quality(result.store, settings)
    for path in paths:
        click.echo(f"  {path}")


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            _fail(f"--param takes name=value, got '{pair}'", 2)
        params[key] = value
    return params


@main.command(name="query")
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, help="A parameter as name=value (repeatable).")
@click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.pass_context
def query_cmd(ctx: click.Context, name: str, params: tuple[str, ...], fmt: str) -> None:
    """Run a canned query by NAME, a .rq FILE, or '-' for a query on standard input."""
    settings = _settings(ctx)
    given = _parse_params(params)
    store = build_or_fail(settings).store
    try:
        if name == "-" or name.endswith(".rq"):
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
            if given:
                _fail("--param applies to canned queries only", 2)
            table = store.select(text)
        else:
            table = Catalogue(settings).run(name, given, store)
    except (QueryNotFound, ParameterError, FileNotFoundError) as exc:
        _fail(str(exc), 2)
    except SyntaxError as exc:
        _fail(f"SPARQL syntax error: {exc}", 2)
    except TypeError as exc:
        _fail(f"{exc}: the query command prints SELECT results", 2)
    click.echo(render(table, fmt))


@main.command(name="stats")
@click.pass_context
def stats_cmd(ctx: click.Context) -> None:
    """Counts: triples, and instances of each class."""
    settings = _settings(ctx)
    store = build_or_fail(settings).store
    from aichr_kg.namespaces import PREFIXES

    table = store.select(Catalogue(settings).system("class-counts"))
    click.echo(f"triples: {store.triple_count()}")
    for row in table.rows:
        iri = row["class"].value
        curie = next((f"{p}:{iri[len(ns):]}" for p, ns in PREFIXES.items() if iri.startswith(ns)), iri)
        click.echo(f"{int(row['count'].value):6d}  {curie}")


@main.command(name="diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--statements/--no-statements", default=True, show_default=True, help="List each added and removed statement.")
def diff_cmd(old: Path, new: Path, fmt: str, statements: bool) -> None:
    """What changed from OLD to NEW (two TriG / N-Quads dumps, or two project or data folders), by named graph:
    entities added, removed and changed, and the statements added (+) and removed (-). Exit 0 either way."""
    import json

    from aichr_kg.diff import DiffInputError, diff, read_side

    try:
        changes = diff(read_side(old), read_side(new))
    except DiffInputError as exc:
        _fail(str(exc), 2)
    if fmt == "json":
        click.echo(json.dumps({"old": str(old), "new": str(new), "graphs": [c.as_dict() for c in changes]}, indent=2))
        return
    if not changes:
        click.echo("no differences")
    for change in changes:
        click.echo(f"graph <{change.graph}>: +{len(change.added)} -{len(change.removed)} statements; entities "
                   f"{len(change.entities_added)} added, {len(change.entities_removed)} removed, "
                   f"{len(change.entities_changed)} changed")
        for label, entities in (("added", change.entities_added), ("removed", change.entities_removed),
                                ("changed", change.entities_changed)):
            for entity in entities:
                click.echo(f"  {label:8s}<{entity}>")
        if statements:
            for sign, triples in (("+", change.added), ("-", change.removed)):
                for triple in triples:
                    click.echo(f"  {sign} {' '.join(term.n3() for term in triple)} .")


def _register_plugin_commands() -> None:
    """Add commands other packages offer (the service adds `serve` and `load`) without importing them here."""
    for entry in entry_points(group="aichr_kg.commands"):
        try:
            main.add_command(entry.load(), entry.name)
        except ImportError as exc:  # a broken plugin must not take the core commands down
            click.echo(f"warning: command '{entry.name}' unavailable: {exc}", err=True)


_register_plugin_commands()
