"""`aichr-kg serve` and `aichr-kg load`, registered on the core CLI through an entry point."""

import os
from pathlib import Path

import click

from aichr_kg.cli import build_or_fail
from aichr_kg.diskstore import ensure_built
from aichr_kg.settings import Settings, listening_url
from aichr_kg.sources import extra_files


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
@click.option("--extra", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Extra RDF file to serve beside the graph (repeatable); see --extra-graph-base.")
@click.option("--extra-graph-base", default=None,
              help="Name an extra file's graph <BASE + file name> (default: its file: URI); TriG/N-Quads keep their own names.")
@click.option("--endpoint", default=None,
              help="Serve a remote SPARQL server's graph (its query URL, filled by `aichr-kg load`) instead of building one.")
@click.option("--root-path", default=None,
              help="Path prefix the service is reached under behind a reverse proxy (/kg); default AICHR_KG_ROOT_PATH.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int, extra: tuple[Path, ...],
          extra_graph_base: str | None, endpoint: str | None, root_path: str | None) -> None:
    """Validate, build and serve the graph over HTTP (or serve the graph of a remote SPARQL server)."""
    import json

    import uvicorn

    settings = ctx.obj
    env = {"AICHR_KG_ROOT": str(settings.root)}
    if extra:
        env["AICHR_KG_EXTRA"] = json.dumps([str(p.resolve()) for p in extra])
    if extra_graph_base:
        env["AICHR_KG_EXTRA_GRAPH_BASE"] = extra_graph_base
    if endpoint:
        env["AICHR_KG_STORE"], env["AICHR_KG_ENDPOINT"] = "remote", endpoint
    if root_path is not None:
        env["AICHR_KG_ROOT_PATH"] = root_path
    try:  # refuse bad settings in one line, before uvicorn starts (it reads them from the environment)
        served = Settings(**{**settings.model_dump(), "extra": list(extra) or settings.extra,
                             "extra_graph_base": extra_graph_base or settings.extra_graph_base,
                             **({"store": "remote", "endpoint": endpoint} if endpoint else {}),
                             **({"root_path": root_path} if root_path is not None else {})})
    except ValueError as exc:
        raise click.ClickException(" ".join(str(exc).split())) from None
    if not endpoint and served.store_cache is not None:  # build (or find) the graph once, here: workers open it
        build_or_fail(served, lambda s: ensure_built(s, extra=extra_files(s), apart=True))  # its memory is not kept
    if served.public_url is None:  # links name where it listens, fixed now: never a request's Host header
        env["AICHR_KG_PUBLIC_URL"] = listening_url(host, port, served.root_path)
        click.echo(f"absolute links name {env['AICHR_KG_PUBLIC_URL']} (set AICHR_KG_PUBLIC_URL to the address "
                   "clients use)", err=True)
    os.environ.update(env)
    from aichr_kg_api.accesslog import log_config
    from aichr_kg_api.main import server_limits

    uvicorn.run("aichr_kg_api.main:app_from_env", factory=True, host=host, port=port, workers=workers,
                log_config=log_config(), **server_limits(served))



@click.command()
@click.option("--endpoint", default=None,
              help="Graph Store Protocol URL of the server (Oxigraph: http://HOST:7878/store; Virtuoso: "
                   "http://dba:PASSWORD@HOST:8890/sparql-graph-crud-auth, digest auth); default AICHR_KG_UPDATE_ENDPOINT.")
@click.option("--default-graph/--no-default-graph", default=True, show_default=True,
              help="Also PUT the merge of the named graphs (each distinct triple once) as the server's default graph, "
                   "the graph queries run on (Oxigraph served without --union-default-graph).")
@click.option("--union-graph/--no-union-graph", default=None,
              help="Put the merge into a named graph of its own instead, which `serve --endpoint` then sends as the "
                   "default graph: for a server whose default graph is always the union of its graphs, repeating "
                   "shared triples (Virtuoso); default AICHR_KG_UNION_GRAPH (off).")
@click.pass_context
def load(ctx: click.Context, endpoint: str | None, default_graph: bool, union_graph: bool | None) -> None:
    """Validate and build the graph, then PUT each named graph into a SPARQL server (graph names kept)."""
    from aichr_kg.remote import UNION_GRAPH, PushError, push, without_credentials

    settings = ctx.obj
    target = endpoint or settings.update_endpoint
    if not target or not target.startswith(("http://", "https://")):
        raise click.UsageError("give --endpoint http://HOST:PORT/store (the server's Graph Store Protocol URL)")
    built = build_or_fail(settings)
    try:
        sent = push(built.store, target, default_graph=default_graph,
                    union_graph=settings.union_graph if union_graph is None else union_graph)
    except PushError as exc:
        raise click.ClickException(str(exc)) from None
    for graph, triples in sent:
        click.echo(f"  {triples:6d}  {graph}")
    named = [(graph, n) for graph, n in sent if graph not in ("default", UNION_GRAPH)]
    where = {"default": "as the default graph", UNION_GRAPH: f"as <{UNION_GRAPH}>"}
    merged = "" if len(named) == len(sent) else f", and their merge ({sent[-1][1]} triples) {where[sent[-1][0]]}"
    click.echo(f"loaded {sum(n for _, n in named)} triples in {len(named)} named graphs{merged} "
               f"into {without_credentials(target)}")
