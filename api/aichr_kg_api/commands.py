"""`aichr-kg serve` and `aichr-kg load`, registered on the core CLI through an entry point."""

import os
from pathlib import Path

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
@click.option("--extra", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Extra RDF file to serve beside the graph (repeatable).")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int, extra: tuple[Path, ...]) -> None:
    """Validate, build and serve the graph over HTTP."""
    import json

    import uvicorn

    settings = ctx.obj
    os.environ["AICHR_KG_ROOT"] = str(settings.root)
    if extra:
        os.environ["AICHR_KG_EXTRA"] = json.dumps([str(p.resolve()) for p in extra])
    uvicorn.run("aichr_kg_api.main:app_from_env", factory=True, host=host, port=port, workers=workers)


@click.command()
@click.option("--endpoint", required=True, help="Graph Store Protocol URL of the target SPARQL server.")
@click.pass_context
def load(ctx: click.Context, endpoint: str) -> None:
    """Push the validated build into a remote SPARQL server (named graphs kept)."""
    raise click.ClickException("not implemented yet")
