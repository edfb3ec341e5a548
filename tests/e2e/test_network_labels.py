"""The drawn networks (an entity's neighbourhood, a body's partners) keep every label readable: no label covers
another label or another node's circle, at a desk's width and a phone's, and none is smaller than 9 px on screen."""

import pytest

PAGES = [
    "/doc/event/2024-04-29-regional-consultation-on-the-human-rights-index",  # the review's overlapping hub label
    "/doc/body/acwc",
    "/doc/body/aichr",
    "/doc/theme/trafficking-in-persons",
    "/doc/person/wahyuningrum",
    "/doc/event/2025-11-17-7th-asean-human-rights-dialogue",
    "/?q=partner-network",
]

# every label's and circle's box on screen, per drawing
BOXES = """() => [...document.querySelectorAll("svg.network")].map((drawing) => [...drawing.querySelectorAll("g")].map((g) => {
    const text = g.querySelector("text"), circle = g.querySelector("circle");
    const t = text.getBoundingClientRect(), c = circle.getBoundingClientRect();
    return {label: text.textContent, text: [t.left, t.top, t.right, t.bottom], circle: [c.left, c.top, c.right, c.bottom],
            size: parseFloat(getComputedStyle(text).fontSize) * drawing.getScreenCTM().a};
}))"""


def _crossing(a, b, slack=1.0) -> bool:
    return a[0] + slack < b[2] and b[0] + slack < a[2] and a[1] + slack < b[3] and b[1] + slack < a[3]


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path", PAGES)
def test_network_labels_cover_no_other_label_or_node(open_page, shoot, path, width):
    page = open_page(viewport={"width": width, "height": 900})
    page.goto(path)
    page.wait_for_selector("svg.network g text")
    drawings = page.evaluate(BOXES)
    assert drawings, path
    for nodes in drawings:
        faults = []
        for i, a in enumerate(nodes):
            if a["size"] < 9:
                faults.append(f"{a['label']!r} is {a['size']:.1f} px")
            for b in nodes[i + 1:]:
                if _crossing(a["text"], b["text"]):
                    faults.append(f"{a['label']!r} covers {b['label']!r}")
            for b in nodes:
                if b is not a and _crossing(a["text"], b["circle"]):
                    faults.append(f"{a['label']!r} covers the node of {b['label']!r}")
        if faults:
            shoot(page, f"network-labels-{width}-" + path.strip("/").replace("/", "-").replace("?q=", ""))
        assert not faults, (path, width, faults)
