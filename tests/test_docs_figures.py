"""The figures the README and SECURITY.md give for the settings are the settings' defaults.

A figure is written beside its setting's name, in one of the forms the documents use:
``at most 10 s (`AICHR_KG_QUERY_TIMEOUT`)``, ``(`AICHR_KG_CACHE_MAX_AGE`, 3600 s)``,
``` `AICHR_KG_QUEUE_TIMEOUT` (5 s) ```, ``` `AICHR_KG_MAX_QUERY_LENGTH` characters (100,000) ```.
Each such figure is read and compared with ``Settings``' default, so the documents cannot drift from the code
(the review found the README saying 8 concurrent queries where the setting said 32).
"""

import re

import pytest

from aichr_kg.settings import Settings

DOCUMENTS = ("README.md", "SECURITY.md")
NUMBER = r"(\d[\d,]*(?:\.\d+)?)(?:\s*(KB|MB|s|seconds|bytes|characters))?"
NAME = r"`AICHR_KG_([A-Z_]+)`"
FORMS = [  # each: a number, an optional unit, the setting's name
    re.compile(NUMBER + r"(?:\s+[a-z-]+){0,5}\s*\(" + NAME),  # 10 s (`X`...   32 at once (`X`...   at most 8 from one client address (`X`...
    re.compile(r"\(" + NAME + r",\s*" + NUMBER),  # (`X`, 3600 s
    re.compile(NAME + r"(?:\s+[a-zA-Z]+)?\s*\(" + NUMBER + r"[\s)]"),  # `X` (5 s)   `X` characters (100,000)
]


def figures(text: str) -> list[tuple[str, float, str | None, str]]:
    """(setting field, number, unit, the words it was read from) for every figure written beside a setting."""
    text = " ".join(text.split())
    found = []
    for form in FORMS:
        for match in form.finditer(text):
            groups = match.groups()
            name, number, unit = (groups[2], groups[0], groups[1]) if form is FORMS[0] else groups
            found.append((name.lower(), float(number.replace(",", "")), unit, match.group()))
    return found


def default(field: str):
    info = Settings.model_fields[field]
    return info.default_factory() if info.default_factory else info.default


def test_the_reader_finds_the_figures_the_review_checked(settings):
    text = (settings.root / "README.md").read_text()
    read = {(f, n) for f, n, _, _ in figures(text)}
    assert {("max_concurrent_queries", 32), ("query_timeout", 10), ("cache_max_age", 3600)} <= read
    assert ("max_concurrent_queries", 8) in {(f, n) for f, n, _, _ in figures("at most 8 at once (`AICHR_KG_MAX_CONCURRENT_QUERIES`")}


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_figure_beside_a_setting_is_its_default(settings, document):
    found = figures((settings.root / document).read_text())
    assert len(found) >= 5
    wrong = []
    for field, number, unit, words in found:
        assert field in Settings.model_fields, f"{document} names AICHR_KG_{field.upper()}, which is no setting"
        value = default(field)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if number != value and not (unit == "KB" and number * 1024 == value):
            wrong.append(f"{words!r}: the default is {value}")
    assert not wrong, f"{document}: " + "; ".join(wrong)
