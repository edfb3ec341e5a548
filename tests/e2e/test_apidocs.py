"""/docs and /redoc in Chromium with every request to another origin blocked: the viewers come from the
service itself, start under the page's CSP (no inline script) and show the canned questions' operations."""

from urllib.parse import urlsplit

from playwright.sync_api import expect


def _offline(page, base: str) -> list[str]:
    """Block every request that leaves the service; the list fills with what was blocked."""
    blocked, here = [], urlsplit(base).netloc

    def route(route):
        if urlsplit(route.request.url).netloc == here or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    return blocked


def test_swagger_ui_renders_every_operation_offline(page, console, e2e_service, shoot):
    blocked = _offline(page, e2e_service.url)
    response = page.goto("/docs")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".opblock-summary-path", has_text="/queries/events-by-theme")).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/sparql").first).to_be_visible()
    operation = page.locator(".opblock", has=page.locator(".opblock-summary-path", has_text="/queries/events-by-theme"))
    operation.locator(".opblock-summary").click()
    expect(operation.locator("select").first).to_be_visible()  # the theme's allowed values, as a drop-down
    shoot(page, "api-docs", full_page=False)
    assert not blocked, blocked
    assert not console.errors, console.errors


def test_redoc_renders_offline(page, console, e2e_service):
    blocked = _offline(page, e2e_service.url)
    csp = page.goto("/redoc").headers["content-security-policy"]
    assert "script-src 'self';" in csp and "worker-src 'self' blob:" in csp
    expect(page.locator("h2", has_text="Events on a theme")).to_be_visible()
    assert not blocked, blocked
    # ReDoc always draws its maker's logo from their CDN (and hides it when it fails): the CSP stops that
    # request before it leaves, which the browser reports; nothing else may be reported.
    assert [e for e in console.errors if "cdn.redoc.ly/redoc/logo-mini.svg" not in e] == []
