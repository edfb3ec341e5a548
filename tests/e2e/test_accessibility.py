"""axe-core (npm, through frontend/package-lock.json) on every kind of page and page state, the SPARQL editor
included: no critical or serious fault. The script is injected by the test, never served by the site."""

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"

STATES = [
    ("home", "/", None),
    ("questions", "/questions", None),
    ("question-table", "/?q=un-partners", None),
    ("question-map", "/?q=events-in-place", None),
    ("question-timeline", "/?q=events-by-theme", None),
    ("question-network", "/?q=partner-network", None),
    ("question-chart", "/?q=events-per-year-theme", None),
    ("question-stale", "/?q=event-outcomes", "stale"),
    ("entity-body", "/doc/body/acwc", None),
    ("entity-event", "/doc/event/2025-11-17-7th-asean-human-rights-dialogue", None),
    ("entity-source", "/doc/source/press-release-2022-10-03-tip-consultation", None),
    ("entity-person", "/doc/person/wahyuningrum", None),
    ("entity-post", "/doc/post/representative-of-indonesia-to-aichr", None),
    ("entity-series", "/doc/series/asean-human-rights-dialogue", None),
    ("entity-instrument", "/doc/instrument/asean-un-plan-of-action-2016-2020", None),
    ("entity-provision", "/doc/provision/asean-un-plan-of-action-2016-2020-1-2-4", None),
    ("entity-outcome", "/doc/outcome/2022-09-27-tip-consultation-r1", None),
    ("entity-theme", "/doc/theme/trafficking-in-persons", None),
    ("entity-place", "/doc/place/jakarta", None),
    ("entity-record", "/doc/holding/sipin-vice-minister-of-human-rights-of-indonesia-2025", None),
    ("search", "/search?q=trafiking", None),
    ("glossary", "/glossary", None),
    ("editor", "/editor", "editor"),
    ("explorer", "/?q=recommendations", None),
    ("explorer-filtered", "/?q=recommendations&theme=theme:trafficking-in-persons&eventKind=ak:Consultation", None),
    ("explorer-stale", "/?q=recommendations&year=2004", "stale"),
    ("matrix", "/?q=activity-by-state-theme", None),
    ("matrix-cell", "/?q=state-theme-events&state=state:idn&theme=theme:trafficking-in-persons", None),
    ("orgchart", "/?q=architecture", None),
    ("dataset", "/.well-known/void", None),
    ("search-dates", "/search?q=Representative of Indonesia to AICHR", None),
    ("entity-referred", "/doc/body/aichr", None),
]


def faults(page) -> list[str]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("() => axe.run(document, { resultTypes: ['violations'] })")
    return [f"{v['impact']} {v['id']}: {v['nodes'][0]['target']}" for v in result["violations"]
            if v["impact"] in ("critical", "serious")]


PHONE = {"home", "question-table", "question-map", "entity-event", "entity-theme", "editor", "explorer", "matrix",
         "orgchart"}  # the layouts that change at 390 px


@pytest.mark.parametrize("width", [1280, 390])
def test_no_critical_or_serious_fault_on_any_page(open_page, console, width):
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: `make test` installs the front end's packages (npm ci)")
    page = open_page(viewport={"width": width, "height": 900}, bypass_csp=True)  # to inject axe, not the site
    found, shown = {}, []
    for name, path, state in STATES:
        if width < 600 and name not in PHONE:
            continue
        page.goto(path)
        page.wait_for_load_state("networkidle")
        if state == "stale":
            page.locator("#params select").first.select_option(index=1)
        if state == "editor":
            page.locator(".yasqe").first.wait_for()
        problems = faults(page)
        shown.append(name)
        if problems:
            found[name] = problems
    assert not found, found
    assert not console.errors, console.errors  # no page state logs an error either
    assert len(shown) == (len(STATES) if width > 600 else len(PHONE))
