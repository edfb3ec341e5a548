"""Entity pages designed per kind (issue 12): one real entity of each kind, its headings in plain words and its
relations read in the direction a reader expects, each fact once, dates formatted, the data view one click away.

A page's sections are read back from its HTML: every fact row and every list carries the relation it shows
(``data-key``: ``org:unitOf``, or ``^schema:superEvent`` for the reverse), its heading and the names it links."""

from html.parser import HTMLParser

import pytest

from aichr_kg_api.views import LAYOUTS


class Sections(HTMLParser):
    """heading -> names linked under it, for each fact row (tr) and list (section) with a data-key."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.sections: dict[str, list[str]] = {}
        self.keys: dict[str, str] = {}  # heading -> key
        self.kinds: dict[str, list[str]] = {}  # heading of a list grouped by kind -> the kinds
        self._stack: list[dict] = []
        self._text: list[str] | None = None
        self._where: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "data-key" in a:
            self._stack.append({"tag": tag, "key": a["data-key"], "heading": "", "names": [], "kinds": [], "depth": 0})
        elif self._stack and tag == self._stack[-1]["tag"]:
            self._stack[-1]["depth"] += 1
        if not self._stack:
            return
        klass = a.get("class", "")
        if tag == "th" or (tag in ("h2", "h3") and "via" in klass):
            self._text, self._where = [], "heading"
        elif tag in ("h3", "h4") and "listing__kind" in klass:
            self._text, self._where = [], "kind"
        elif tag in ("a", "span") and self._where is None and tag == "a":
            self._text, self._where = [], "name"

    def handle_endtag(self, tag):
        if not self._stack:
            return
        top = self._stack[-1]
        if self._where == "heading" and tag in ("th", "h2", "h3"):
            top["heading"] = " ".join("".join(self._text).split())
            self._text = self._where = None
        elif self._where == "kind" and tag in ("h3", "h4"):
            top["kinds"].append(" ".join("".join(self._text).split()).rsplit(" (", 1)[0])
            self._text = self._where = None
        elif self._where == "name" and tag == "a":
            top["names"].append(" ".join("".join(self._text).split()))
            self._text = self._where = None
        if tag == top["tag"]:
            if top["depth"]:
                top["depth"] -= 1
                return
            self._stack.pop()
            heading = top["heading"].rsplit(" (", 1)[0]  # "Sessions (6)" -> "Sessions"
            self.sections[heading] = top["names"]
            self.keys[heading] = top["key"]
            if top["kinds"]:
                self.kinds[heading] = top["kinds"]

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)


def page(client, path: str) -> tuple[str, Sections]:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, path
    return response.text, Sections(response.text)


def test_a_body_is_part_of_its_organisation_and_lists_its_units(ld_client):
    html, acwc = page(ld_client, "/doc/body/acwc")
    assert acwc.sections["Part of"] == ["Association of Southeast Asian Nations"]  # not "has sub organization"
    assert "Units" not in acwc.sections and "Bodies under it" not in acwc.sections  # ASEAN is not under ACWC
    assert "Founded" in acwc.sections and "7 Apr 2010" in html  # the date formatted
    assert "ASEAN-UN Plan of Action 2016-2020, provision 1.2.4" in acwc.sections["Outcomes and provisions naming it"]
    _, aichr = page(ld_client, "/doc/body/aichr")
    assert {"AICHR Indonesia", "AICHR Malaysia", "AICHR Thailand"} <= set(aichr.sections["Units"])
    assert "Representative of Indonesia to AICHR" in aichr.sections["Posts"]
    _, asean = page(ld_client, "/doc/body/asean")
    assert "ASEAN Commission on the Promotion and Protection of the Rights of Women and Children" in asean.sections["Units"]


def test_a_member_state_reads_as_a_body(ld_client):
    _, indonesia = page(ld_client, "/doc/state/idn")
    assert indonesia.sections["Member of"] == ["Association of Southeast Asian Nations"]
    assert "AICHR Indonesia" in indonesia.sections["Represented by"]


def test_a_person_held_the_post_and_took_part_in_a_role(ld_client):
    html, person = page(ld_client, "/doc/person/wahyuningrum")
    assert person.sections["Held the post of"] == ["Representative of Indonesia to AICHR"]  # not "held by"
    assert person.keys["Held the post of"] in ("org:holds", "^org:heldBy")
    assert len(person.sections["Post holdings, by year"]) == 2
    took_part = person.sections["Took part in (role and event)"]
    assert any("as speaker at the 2022 Consultation" in t for t in took_part)
    assert "Took part in" not in person.sections  # the same events once, with their roles


def test_a_post_is_in_a_body_and_held_year_by_year(ld_client):
    _, post = page(ld_client, "/doc/post/representative-of-indonesia-to-aichr")
    assert post.sections["Post in"] == ["ASEAN Intergovernmental Commission on Human Rights"]
    assert post.sections["Represents"] == ["Indonesia"]
    assert "Wahyuningrum, Representative of Indonesia to AICHR (2024)" in post.sections["Held by, year by year"]


def test_an_event_lists_its_sessions_who_took_part_in_what_role_and_what_it_agreed(ld_client):
    html, event = page(ld_client, "/doc/event/2025-11-17-7th-asean-human-rights-dialogue")
    assert len(event.sections["Sessions"]) == 6 and "Sessions and parts" not in event.sections
    assert event.sections["In the series"] == ["ASEAN Human Rights Dialogue"]
    assert len(event.sections["What it agreed or recommended"]) == 7
    assert event.sections["Date"] == [] and "17 Nov 2025" in html.split('data-key="schema:startDate"', 1)[1].split("</tr>")[0]
    table = html.split('class="participants"', 1)[1].split("</table>", 1)[0]
    assert "Anita Ashvini Wahid" in table and "co-chair, co-host" in table  # one row per person, roles merged
    assert table.count(">Anita Ashvini Wahid<") == 1
    for record_list in ("Who took part (records)", "Qualified association", "Organisers", "Who took part"):
        assert record_list not in event.sections  # each fact once: the table says it
    _, session = page(ld_client, "/doc/event/2025-11-17-7th-asean-human-rights-dialogue-stakeholders-segment")
    assert session.sections["Part of the event"] == ["7th ASEAN Human Rights Dialogue"]  # not "super event"


@pytest.mark.parametrize("path, mode", [("/doc/event/2022-09-27-tip-consultation", "Online"),
                                        ("/doc/event/2024-04-29-regional-consultation-on-the-human-rights-index",
                                         "Online and in person")])
def test_an_event_says_how_it_was_attended_and_its_dates_as_one_range(ld_client, path, mode):
    html, event = page(ld_client, path)
    row = html.split('data-key="schema:eventAttendanceMode"', 1)[1].split("</tr>", 1)[0]
    assert f">{mode}<" in row and "schema:" not in row.split("title=")[0]
    if "tip-consultation" in path:
        assert "27–28 Sep 2022" in html and "Dates" in event.sections and "Until" not in event.sections


def test_a_scheduled_event_says_scheduled(ld_client):
    html, _ = page(ld_client, "/doc/event/2019-11-19-2nd-aichr-un-meeting")
    row = html.split('data-key="schema:eventStatus"', 1)[1].split("</tr>", 1)[0]
    assert ">Scheduled<" in row and "EventScheduled<" not in row


def test_a_series_lists_its_editions(ld_client):
    _, series = page(ld_client, "/doc/series/asean-human-rights-dialogue")
    assert series.sections["Editions"] == ["6th ASEAN Human Rights Dialogue", "7th ASEAN Human Rights Dialogue"]
    assert "Sessions" not in series.sections


def test_an_instrument_lists_its_provisions_and_a_provision_names_its_bodies(ld_client):
    _, plan = page(ld_client, "/doc/instrument/asean-un-plan-of-action-2016-2020")
    assert plan.sections["Adopted at"] == ["8th ASEAN-UN Summit"]
    assert plan.sections["Provisions and parts"]
    _, provision = page(ld_client, "/doc/provision/asean-un-plan-of-action-2016-2020-1-2-4")
    assert "ASEAN Commission on the Promotion and Protection of the Rights of Women and Children" in provision.sections["Concerns"]
    assert provision.sections["Part of"][0].startswith("ASEAN-UN Plan of Action 2016-2020, section 1.2")


def test_an_outcome_says_where_it_was_made(ld_client):
    _, outcome = page(ld_client, "/doc/outcome/2022-09-27-tip-consultation-r1")
    assert outcome.sections["Made at"] == ["Consultation on Human Rights and Countering Trafficking in Persons in ASEAN"]
    assert outcome.sections["Themes"] == ["Trafficking in persons"]


def test_a_theme_lists_narrower_themes_and_what_is_on_it_by_kind(ld_client):
    html, theme = page(ld_client, "/doc/theme/trafficking-in-persons")
    assert theme.sections["Narrower themes"] == ["Forced criminality"]  # not "broader: Forced criminality"
    assert theme.keys["Narrower themes"] in ("^skos:broader", "skos:narrower")
    assert "Broader theme" not in theme.sections
    assert {"Agreement", "Recommendation", "Consultation"} <= set(theme.kinds["On this theme"])
    assert len(theme.sections["On this theme"]) == 15
    _, narrower = page(ld_client, "/doc/theme/forced-criminality")
    assert narrower.sections["Broader theme"] == ["Trafficking in persons"]


def test_a_place_lies_in_a_country_and_lists_its_events(ld_client):
    _, jakarta = page(ld_client, "/doc/place/jakarta")
    assert jakarta.sections["In"] == ["Indonesia"]
    assert "43rd ASEAN Summit" in jakarta.sections["Events held here"]


def test_a_source_document_says_what_it_is_and_what_it_states(ld_client):
    html, source = page(ld_client, "/doc/source/press-release-2024-05-08-human-rights-index-consultation")
    assert "8 May 2024" in html and source.sections["Publisher"] == ["ASEAN Intergovernmental Commission on Human Rights"]
    assert source.sections["Published at"][0].startswith("https://aichr.org/")
    stated = source.sections["What this document states something about"]
    assert "Allow a theme-based ASEAN human rights index" in stated
    kinds = source.kinds["What this document states something about"]
    assert kinds.index("Recommendation") < kinds.index("Participation")  # things before the records linking them
    assert kinds[-3:] == sorted(["Count", "Participation", "Post holding"])


@pytest.mark.parametrize("path", ["/doc/body/acwc", "/doc/person/wahyuningrum", "/doc/post/representative-of-indonesia-to-aichr",
                                  "/doc/event/2025-11-17-7th-asean-human-rights-dialogue",
                                  "/doc/series/asean-human-rights-dialogue",
                                  "/doc/instrument/asean-un-plan-of-action-2016-2020",
                                  "/doc/provision/asean-un-plan-of-action-2016-2020-1-2-4",
                                  "/doc/outcome/2022-09-27-tip-consultation-r1", "/doc/theme/trafficking-in-persons",
                                  "/doc/place/jakarta", "/doc/source/press-release-2022-10-03-tip-consultation"])
def test_every_kind_has_its_own_layout_each_fact_once_and_the_data_one_click_away(ld_client, path):
    html, sections = page(ld_client, path)
    kind = path.split("/")[2]
    assert f'class="entity entity--{LAYOUTS[kind]}"' in html
    stem = path
    for suffix in ("ttl", "jsonld"):
        assert f'href="{stem}.{suffix}"' in html  # the data view: Turtle and JSON-LD, one click
    shown = [name for names in sections.sections.values() for name in names]
    assert len(shown) == len(set(shown)), [n for n in shown if shown.count(n) > 1]  # each fact once
    main = html.split("<main", 1)[1]
    for jargon in ("sub organization", "super event", "pref label", "in scheme", "was generated by", "held by:",
                   "Linked here as", "OnlineEventAttendanceMode", "EventScheduled"):
        assert jargon.lower() not in main.lower().replace("title=\"https://schema.org/", ""), (path, jargon)



def test_a_page_links_the_questions_that_have_answers_about_it(ld_client):
    html, _ = page(ld_client, "/doc/theme/trafficking-in-persons")
    assert 'href="/?q=recommendations-by-theme&amp;theme=theme%3Atrafficking-in-persons"' in html
    html, _ = page(ld_client, "/doc/series/asean-human-rights-dialogue")
    assert 'href="/?q=series-timeline&amp;series=series%3Aasean-human-rights-dialogue"' in html
    html, _ = page(ld_client, "/doc/event/2022-09-27-tip-consultation")
    assert "?q=event-outcomes&amp;event=event%3A2022-09-27-tip-consultation" in html
    html, _ = page(ld_client, "/doc/event/2019-11-19-2nd-aichr-un-meeting")  # it agreed nothing the sources name
    assert "?q=event-outcomes" not in html and "?q=event-participants" in html
