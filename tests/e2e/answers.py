"""Reading an answer table in Chromium the way a person reads it, for the end-to-end tests."""


def rows_of(page) -> list[dict[str, str]]:
    """The answer table as shown (rows a filter hides left out): heading -> cell text, spaces squashed."""
    page.locator("#results tbody tr").first.wait_for(state="attached")
    return page.evaluate("""() => {
      const table = document.querySelector('#results');
      const heads = [...table.tHead.rows[0].cells].map((c) => c.textContent.trim());
      return [...table.tBodies[0].rows].filter((r) => !r.hidden).map((r) =>
        Object.fromEntries(heads.map((h, i) => [h, r.cells[i].textContent.replace(/\\s+/g, ' ').trim()])));
    }""")
