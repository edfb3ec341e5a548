"""When an entity was, in words, for lists that name many kinds of thing at once (search results): an event's
days, a document's issue, a post holding's span or the day a source names it, a post's span over its holdings."""

from aichr_kg_api.dates import date_text, range_text


def span(first: str, last: str) -> str:
    """'2024-05-08', '2025-11-17' -> '8 May 2024 – 17 Nov 2025'; '27–28 Sep 2022'; the same day once."""
    return date_text(first) if first == last else range_text(date_text(first), date_text(last))


def entity_dates(linked, store, catalogue) -> dict[str, str]:
    """Entity IRI -> when it was, read once per service (the graph does not change while it runs)."""
    def read() -> dict[str, str]:
        stated: dict[str, dict[str, list[str]]] = {}
        for row in store.select(catalogue.system("entity-dates")).rows:
            found = stated.setdefault(row["entity"].value, {"from": [], "to": [], "on": []})
            for key in found:
                if key in row:
                    found[key].append(row[key].value)
        out = {}
        for iri, found in stated.items():
            if found["from"]:
                out[iri] = span(min(found["from"]), max(found["to"] or found["from"]))
            elif found["on"]:
                out[iri] = f"named in a source on {span(min(found['on']), max(found['on']))}"
        return out
    return linked.cached("entity-dates", read)
