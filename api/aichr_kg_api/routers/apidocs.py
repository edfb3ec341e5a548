"""``/docs`` (Swagger UI) and ``/redoc`` (ReDoc): the OpenAPI description, readable in a browser, offline.

FastAPI's own pages load both viewers from a CDN and start Swagger UI with an inline script, which the
service's Content-Security-Policy forbids; these pages take the viewers from the ``fastapi-offline``
package (mounted at ``/static/apidocs``) and start Swagger UI from a file of ours.
"""

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from aichr_kg_api.linked import LinkedDep

router = APIRouter(include_in_schema=False)
VIEWERS = Path(fastapi_offline.__file__).parent / "static"


def _page(request: Request, linked: LinkedDep, viewer: str, title: str, csp_extra: str = "") -> HTMLResponse:
    root = request.scope.get("root_path", "")
    page = linked.templates.get_template("apidocs.html").render(viewer=viewer, title=title, root=root,
                                                                spec=f"{root}/openapi.json")
    headers = {"Content-Security-Policy": linked.settings.content_security_policy + csp_extra} if csp_extra else None
    return HTMLResponse(page, headers=headers)


@router.get("/docs")
def swagger(request: Request, linked: LinkedDep) -> HTMLResponse:
    return _page(request, linked, "swagger", "API (Swagger UI)")


@router.get("/redoc")
def redoc(request: Request, linked: LinkedDep) -> HTMLResponse:
    # ReDoc's search runs in a worker it makes from a blob of its own script; inline script stays forbidden.
    return _page(request, linked, "redoc", "API (ReDoc)", "; worker-src 'self' blob:")
