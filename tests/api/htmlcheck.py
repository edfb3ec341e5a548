"""Read an HTML page the way the tests need: its links, ids, headings, forms, scripts and text."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Page:
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, text)
    ids: set[str] = field(default_factory=set)
    headings: list[str] = field(default_factory=list)  # text of h1..h3 in order
    forms: list[dict] = field(default_factory=list)  # {"action", "method", "inputs": [names]}
    inline_scripts: int = 0
    inline_styles: int = 0  # style attributes and <style> elements
    text: str = ""
    title: str = ""

    def hrefs(self) -> set[str]:
        return {href for href, _ in self.links}

    def link_text(self, href: str) -> list[str]:
        return [text for h, text in self.links if h == href]


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._link: list | None = None
        self._heading: list | None = None
        self._in_title = False
        self._chunks: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.page.ids.add(a["id"])
        if "style" in a:
            self.page.inline_styles += 1
        if tag == "a" and "href" in a:
            self._link = [a["href"], ""]
        elif tag in ("h1", "h2", "h3"):
            self._heading = [""]
        elif tag == "title":
            self._in_title = True
        elif tag == "form":
            self.page.forms.append({"action": a.get("action"), "method": (a.get("method") or "get").lower(), "inputs": []})
        elif tag in ("input", "select") and self.page.forms and a.get("name"):
            self.page.forms[-1]["inputs"].append(a["name"])
        elif tag == "script":
            # a data block (JSON-LD and the like) is not a script: browsers never run it and the CSP leaves it alone
            runs = (a.get("type") or "text/javascript").lower() in ("text/javascript", "module", "application/javascript")
            self._in_script = "src" not in a and runs
        elif tag == "style":
            self.page.inline_styles += 1

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            self.page.links.append((self._link[0], " ".join(self._link[1].split())))
            self._link = None
        elif tag in ("h1", "h2", "h3") and self._heading is not None:
            self.page.headings.append(" ".join(self._heading[0].split()))
            self._heading = None
        elif tag == "title":
            self._in_title = False
        elif tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.page.inline_scripts += 1
        if self._link is not None:
            self._link[1] += data
        if self._heading is not None:
            self._heading[0] += data
        if self._in_title:
            self.page.title += data
        self._chunks.append(data)

    def close(self):
        super().close()
        self.page.text = " ".join(" ".join(self._chunks).split())


def read_html(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.page
