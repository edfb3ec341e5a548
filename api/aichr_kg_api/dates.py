"""Dates as people read them, wherever a page shows one: '2022-09-27' -> '27 Sep 2022', a range as
'27–28 Sep 2022'. One place, so that answer tables, entity pages and sources spell dates alike."""

XSD = "http://www.w3.org/2001/XMLSchema#"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def date_text(value: str) -> str:
    """'2024-05-08' -> '8 May 2024', '2025-11' -> 'Nov 2025', '2019' -> '2019'."""
    try:
        if len(value) >= 10:
            return f"{int(value[8:10])} {_MONTHS[int(value[5:7]) - 1]} {value[:4]}"
        if len(value) == 7:
            return f"{_MONTHS[int(value[5:7]) - 1]} {value[:4]}"
    except (ValueError, IndexError):
        pass
    return value


def literal_text(term) -> str:
    """A literal as a person reads it: xsd:date 2022-09-27 -> '27 Sep 2022', gYearMonth 2018-06 -> 'Jun 2018'."""
    kind = term.datatype.value if term.datatype else ""
    if kind in (XSD + "date", XSD + "gYearMonth"):
        return date_text(term.value)
    return term.value


def range_text(first: str, last: str) -> str:
    """Two dates already in words as one span: '27–28 Sep 2022' within a month, '30 Sep – 2 Oct 2022' within a
    year, both whole otherwise."""
    a, b = first.split(" "), last.split(" ")
    if len(a) == len(b) == 3 and a[1:] == b[1:]:
        return f"{a[0]}–{last}"
    if len(a) == len(b) == 3 and a[2] == b[2]:
        return f"{a[0]} {a[1]} – {last}"
    return f"{first} – {last}"


def date_range(start, end) -> str:
    """'27 Sep 2022' alone, '27–28 Sep 2022' within a month, '30 Sep – 2 Oct 2022' across months."""
    first = literal_text(start)
    if end is None or end.value == start.value:
        return first
    return range_text(first, literal_text(end))
