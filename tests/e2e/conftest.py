"""End-to-end fixtures: the service under uvicorn on a free loopback port, and Debian's headless Chromium
driven by Playwright, as a person would use the page.

The served graph is the real one plus a small extra file (``XSS_TTL``) naming a body whose label holds a
``<script>`` element, so the tests can check that labels are shown as text under the page's CSP.
Screenshots of the main views go to ``tests/e2e/screenshots/`` (git-ignored), named in the summary.
`make test` installs Chromium and builds the page's assets first; without them these tests fail and say so.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from aichr_kg.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
DIST = Path(__file__).resolve().parents[2] / "api" / "aichr_kg_api" / "static" / "dist"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
ID = "https://w3id.org/aichr-kg/id/"

XSS_LABEL = '<script>window.__xss = 1</script>Test Body <b>bold</b>'
XSS_TTL = f"""\
@prefix ak: <https://w3id.org/aichr-kg/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

<{ID}body/xss-test> a org:Organization ;
    rdfs:label "{XSS_LABEL}"@en ;
    skos:altLabel "XSSTB"@en .

<{ID}participation/xss-test-at-1st-aichr-un-meeting> a ak:Participation ;
    rdfs:label "xss test participation"@en ;
    ak:inEvent <{ID}event/2018-05-15-1st-aichr-un-meeting> ;
    ak:participant <{ID}body/xss-test> ;
    ak:role <{ID}role/participant> .
"""


def pytest_terminal_summary(terminalreporter):
    shots = sorted(SCREENSHOTS.glob("*.png")) if SCREENSHOTS.is_dir() else []
    if shots:
        terminalreporter.write_line(f"e2e screenshots ({len(shots)}): {SCREENSHOTS}")


@pytest.fixture(scope="session")
def e2e_service(tmp_path_factory):
    """The whole service over real HTTP, serving the real graph plus the <script>-label test file."""
    from aichr_kg_api.main import create_app
    from servers import ServiceThread

    missing = [p for p in (DIST / "page.js", DIST / "page.css", DIST / "editor.js") if not p.is_file()]
    if missing:
        pytest.fail(f"the page's assets are not built ({', '.join(p.name for p in missing)}): run `make test`, "
                    "which builds them (cd frontend && npm ci && node build.mjs)")
    extra = tmp_path_factory.mktemp("e2e") / "xss-test.ttl"
    extra.write_text(XSS_TTL, encoding="utf-8")
    settings = Settings(extra=[extra], query_workers=1)
    with ServiceThread(create_app(settings)) as service:
        yield service


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Console:
    """What the page said on its console: errors and Content-Security-Policy reports."""

    def __init__(self):
        self.errors: list[str] = []

    def listen(self, page) -> None:
        page.on("console", self._message)
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))

    def _message(self, message) -> None:
        where = (message.location or {}).get("url", "")
        if message.type == "error" and not where.endswith("/favicon.ico"):  # browsers ask for one on their own
            self.errors.append(f"{message.text} ({where})" if where else message.text)

    @property
    def csp_violations(self) -> list[str]:
        return [e for e in self.errors if "Content Security Policy" in e or "Content-Security-Policy" in e]


expect.set_options(timeout=15_000)  # waits, not time limits: a shared 2-core machine can be slow to paint


@pytest.fixture
def console() -> Console:
    return Console()


def _new_page(browser, console, base_url, **options):
    context = browser.new_context(base_url=base_url, viewport=options.pop("viewport", {"width": 1280, "height": 900}),
                                  accept_downloads=True, **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    console.listen(page)
    return context, page


@pytest.fixture
def page(browser, e2e_service, console):
    """A fresh browser tab (its own context: no cookies or storage shared between tests)."""
    context, page = _new_page(browser, console, e2e_service.url)
    yield page
    context.close()


@pytest.fixture
def open_page(browser, e2e_service, console):
    """Open further tabs with their own options (no JavaScript, a phone's width...)."""
    contexts = []

    def open_(**options):
        context, page = _new_page(browser, console, e2e_service.url, **options)
        contexts.append(context)
        return page

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def shoot():
    """``shoot(page, name)``: a full-page screenshot under tests/e2e/screenshots/."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, name: str, *, full_page: bool = True, locator=None) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        (locator or page).screenshot(path=str(path), **({} if locator else {"full_page": full_page}))
        return path

    return take
