"""An answer as a spreadsheet: the headings shown on screen, labels before identifiers, a Sources column.

CSV for any tool, XLSX (openpyxl) with a second sheet saying what the question was, with which
settings, where the data comes from and when the file was extracted, so a table pasted into a brief
keeps its provenance. The file name carries the question and its settings.
"""

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Sheet:
    title: str
    description: str
    settings: list[tuple[str, str]]  # (setting as the form labels it, value as shown)
    headings: list[str]
    rows: list[list[str]]
    documents: list[str]  # one citation per source document the rows rest on
    extracted: datetime
    gettext: Callable[[str], str] = lambda message: message  # the interface's catalogue (i18n.translations)


def sheet(query, form, answer, gettext: Callable[[str], str] = lambda message: message) -> Sheet:
    """Labels first, in screen order; then Sources; then each entity column's identifier (its IRI); the sheet's
    own words from the interface's catalogue (``gettext``)."""
    _ = gettext
    entity = [i for i in range(len(answer.columns)) if any(r[i].iri for r in answer.rows)]
    headings = [c.heading for c in answer.columns]
    if answer.basis is not None:
        headings.append(_("Sources"))
    headings += [_("%(column)s (identifier)") % {"column": answer.columns[i].heading} for i in entity]
    rows, documents = [], []
    for n, row in enumerate(answer.rows):
        out = [cell.text for cell in row]
        if answer.basis is not None:
            out.append(answer.basis[n].text(_))
            documents += [s.citation for s in answer.basis[n].sources if s.citation not in documents]
        out += [row[i].iri or "" for i in entity]
        rows.append(out)
    return Sheet(_(query.title), _(query.description), [(_(f.label), f.shown) for f in form if f.value], headings, rows,
                 sorted(documents), datetime.now(timezone.utc), gettext)


def file_name(query_name: str, form, suffix: str) -> str:
    """'event-outcomes_event-2022-09-27-tip-consultation.csv': the question and each setting's value."""
    parts = [query_name] + [re.sub(r"[^A-Za-z0-9.-]+", "-", f.value).strip("-") for f in form if f.value]
    return "_".join(p for p in parts if p) + "." + suffix


def as_csv(data: Sheet) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(data.headings)
    writer.writerows(data.rows)
    return out.getvalue().encode("utf-8-sig")  # the byte-order mark makes spreadsheets read UTF-8


def as_xlsx(data: Sheet) -> bytes:
    book = Workbook()
    answer = book.active
    _ = data.gettext
    answer.title = _("Answer")
    answer.append(data.headings)
    for cell in answer[1]:
        cell.font = Font(bold=True)
    for row in data.rows:
        answer.append(row)
    answer.freeze_panes = "A2"
    for n, heading in enumerate(data.headings, start=1):
        longest = max([len(heading)] + [len(r[n - 1]) for r in data.rows[:200]])
        answer.column_dimensions[answer.cell(1, n).column_letter].width = min(max(longest, 8) + 2, 60)
        for row in answer.iter_rows(min_row=2, min_col=n, max_col=n):
            row[0].alignment = Alignment(wrap_text=True, vertical="top")
    about = book.create_sheet(_("About"))
    lines = [(_("Question"), data.title), (_("What it shows"), data.description)]
    lines += [(_("Setting: %(setting)s") % {"setting": label}, value) for label, value in data.settings]
    lines += [(_("Rows"), str(len(data.rows))),
              (_("Extracted"), data.extracted.strftime("%d %b %Y %H:%M UTC")),
              (_("Where the data comes from"), _("The ASEAN human rights knowledge graph (aichr-kg), curated from the "
                                                 "source documents below; each row's Sources column names the "
                                                 "documents its facts rest on."))]
    lines += [(_("Source document"), citation) for citation in data.documents]
    for line in lines:
        about.append(list(line))
    for cell in about["A"]:
        cell.font = Font(bold=True)
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
