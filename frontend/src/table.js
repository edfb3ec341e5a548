// Sorting and filtering an answer table in the browser: a button in every column heading (aria-sort says
// the state, a status line announces it) and a filter box above each column. The server's order is kept
// as the "unsorted" state; nothing is fetched. Without scripts the table is still the server's table.
import { t } from "./messages.js";


const COLLATOR = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
const MONTHS = { Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12 };

// '27–28 Sep 2022' -> '2022-09-27', 'Jun 2018' -> '2018-06', '2019' -> '2019': dates sort as dates.
function dateKey(text) {
  const m = text.match(/^(?:(\d{1,2})(?:\s*[–-]\s*\d{1,2})?\s+)?([A-Z][a-z]{2})?\s*(\d{4})/);
  if (!m) return null;
  const [, day, month, year] = m;
  return [year, month ? String(MONTHS[month] || 0).padStart(2, "0") : "", day ? day.padStart(2, "0") : ""].join("-");
}

function key(cell, kind) {
  const text = (cell?.textContent || "").trim();
  if (kind === "number") return Number(text.replace(/[^\d.-]/g, "")) || 0;
  if (kind === "date") return dateKey(text) ?? text;
  return text;
}

export function enhanceTable(table) {
  if (!table || table.dataset.enhanced) return;
  table.dataset.enhanced = "true";
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  rows.forEach((row, n) => { row.dataset.order = String(n); });
  const heads = Array.from(table.tHead.rows[0].cells);
  const status = document.createElement("p");
  status.className = "visually-hidden";
  status.id = "table-status";
  status.setAttribute("role", "status");
  table.before(status);

  const filters = table.tHead.insertRow(-1);
  filters.className = "answer-table__filters";
  const inputs = heads.map((th, index) => {
    const cell = document.createElement("td");
    const input = document.createElement("input");
    input.type = "search";
    input.className = "answer-table__filter";
    input.setAttribute("aria-label", t("Filter {column}", { column: th.textContent.trim() }));
    input.placeholder = t("Filter");
    input.addEventListener("input", () => applyFilters());
    cell.append(input);
    filters.append(cell);
    return { input, index };
  });

  heads.forEach((th, index) => {
    const label = th.textContent.trim();
    const kind = (th.className.match(/col--(\w+)/) || [])[1] || "text";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    const text = document.createElement("span");
    text.textContent = label;
    const arrow = document.createElement("span");
    arrow.className = "sort__arrow";
    arrow.setAttribute("aria-hidden", "true");
    button.append(text, arrow);
    th.textContent = "";
    th.append(button);
    th.setAttribute("aria-sort", "none");
    button.addEventListener("click", () => {
      const next = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      heads.forEach((other) => other.setAttribute("aria-sort", "none"));
      th.setAttribute("aria-sort", next);  // the arrow is drawn from it (page.css), outside the text
      const sign = next === "ascending" ? 1 : -1;
      const sorted = Array.from(body.rows).sort((a, b) => {
        const x = key(a.cells[index], kind), y = key(b.cells[index], kind);
        const order = typeof x === "number" && typeof y === "number" ? x - y : COLLATOR.compare(String(x), String(y));
        return sign * order || Number(a.dataset.order) - Number(b.dataset.order);
      });
      body.append(...sorted);
      status.textContent = next === "ascending" ? t("Sorted by {column}, ascending.", { column: label })
        : t("Sorted by {column}, descending.", { column: label });
    });
  });

  function applyFilters() {
    const active = inputs.filter(({ input }) => input.value.trim() !== "")
      .map(({ input, index }) => ({ words: input.value.trim().toLowerCase(), index }));
    let shown = 0;
    for (const row of body.rows) {
      const keep = active.every(({ words, index }) => (row.cells[index]?.textContent || "").toLowerCase().includes(words));
      row.hidden = !keep;
      if (keep) shown += 1;
    }
    status.textContent = active.length ? t("{shown} of {total} rows match the filters.", { shown, total: rows.length })
      : t("All {total} rows shown.", { total: rows.length });
    const count = document.getElementById("answer-filtered");
    if (count) count.textContent = active.length ? t("{shown} of {total} shown (filtered)", { shown, total: rows.length }) : "";
  }
}

// A changed setting makes the answer on screen an answer to another question: say so, and withdraw its
// downloads and permalink until the new answer is shown.
export function watchSettings(form) {
  if (!form || form.dataset.watched) return;
  form.dataset.watched = "true";
  const initial = new URLSearchParams(new FormData(form)).toString();
  form.addEventListener("input", () => mark(new URLSearchParams(new FormData(form)).toString() !== initial));
  form.addEventListener("change", () => mark(new URLSearchParams(new FormData(form)).toString() !== initial));
}

function mark(stale) {
  const answer = document.getElementById("answer");
  if (!answer) return;
  answer.classList.toggle("is-stale", stale);
  let note = document.getElementById("stale-note");
  if (stale && !note) {
    note = document.createElement("div");
    note.id = "stale-note";
    note.className = "notice notice--stale";
    note.setAttribute("role", "status");
    note.textContent = t("The settings have changed: the answer below is for the previous settings. Press “Show the answer” to see the new one.");
    document.querySelector(".params__actions")?.after(note);
  } else if (!stale && note) {
    note.remove();
  }
  for (const id of ["answer-tools", "view", "results", "answer-body"]) {
    const el = document.getElementById(id);
    if (el) el.toggleAttribute("inert", stale);
  }
  document.querySelectorAll("#answer-tools button").forEach((b) => { b.disabled = stale; });
  document.querySelectorAll("#answer-tools a").forEach((a) => {
    if (stale) { a.dataset.href = a.getAttribute("href"); a.removeAttribute("href"); a.setAttribute("aria-disabled", "true"); }
    else if (a.dataset.href) { a.setAttribute("href", a.dataset.href); a.removeAttribute("aria-disabled"); }
  });
}
