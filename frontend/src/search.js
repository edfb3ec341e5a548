// Suggestions under the header's search box (#site-search), as an ARIA combobox: type a name or an
// acronym, move with the arrow keys, Enter opens the entity's page. Without this script the box is a
// plain form that lists results on /search.
import { ROOT, local } from "./root.js";
import { t } from "./messages.js";

const DELAY_MS = 120;
const LIMIT = 8;

export function setupSearch() {
  const input = document.getElementById("site-search");
  if (!input || !input.form) return;
  const form = input.form;
  const list = document.createElement("ul");
  list.id = "site-search-suggestions";
  list.className = "suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", t("Suggestions"));
  list.hidden = true;
  form.append(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  let timer = 0;
  let controller = null;
  let active = -1;
  let hits = [];

  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const highlight = (index) => {
    const items = [...list.querySelectorAll("[role=option]")];
    if (!items.length) return;
    active = (index + items.length) % items.length;
    items.forEach((item, i) => item.setAttribute("aria-selected", String(i === active)));
    input.setAttribute("aria-activedescendant", items[active].id);
    items[active].scrollIntoView({ block: "nearest" });
  };
  const go = (hit) => { window.location.assign(local(hit.href || `/search?q=${encodeURIComponent(hit.label)}`)); };

  const render = (query) => {
    list.replaceChildren();
    if (!hits.length) {
      const none = document.createElement("li");
      none.className = "suggestion__none";
      none.textContent = t("Nothing is called “{query}”. Press Enter to search all names.", { query });
      list.append(none);
    }
    hits.forEach((hit, i) => {
      const item = document.createElement("li");
      item.id = `suggestion-${i}`;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      const name = document.createElement("span");
      name.textContent = hit.label;
      if (hit.matched && hit.matched !== hit.label) {
        const matched = document.createElement("span");
        matched.className = "suggestion__matched";
        matched.textContent = t("also called {name}", { name: hit.matched });
        name.append(matched);
      }
      const kind = document.createElement("span");
      kind.className = "suggestion__kind";
      kind.textContent = hit.kind || "";
      item.append(name, kind);
      item.addEventListener("mousedown", (event) => { event.preventDefault(); go(hit); });
      list.append(item);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    active = -1;
  };

  const ask = async (query) => {
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const response = await fetch(`${ROOT}/search?q=${encodeURIComponent(query)}&limit=${LIMIT}`,
        { headers: { Accept: "application/json" }, signal: controller.signal });
      if (!response.ok) { close(); return; }
      const body = await response.json();
      if (input.value.trim() !== query) return;
      hits = Array.isArray(body) ? body : body.results || [];
      render(query);
    } catch (error) {
      if (error.name !== "AbortError") close();
    }
  };

  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    const query = input.value.trim();
    if (!query) { close(); return; }
    timer = window.setTimeout(() => ask(query), DELAY_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") { event.preventDefault(); if (list.hidden && input.value.trim()) ask(input.value.trim()); else highlight(active + 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
    else if (event.key === "Escape" && !list.hidden) { event.preventDefault(); close(); }  // keep what was typed
    else if (event.key === "Enter" && active >= 0 && hits[active]) { event.preventDefault(); go(hits[active]); }
  });
  input.addEventListener("blur", () => window.setTimeout(close, 150));
}
