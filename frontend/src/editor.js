// The SPARQL editor tab: YASGUI (from the lock file, served by the app, no CDN) pointed at /sparql,
// the canned questions loadable as examples, and a bar-chart result view of our own beside YASR's table.
import Yasgui from "@zazuko/yasgui";
import "@zazuko/yasgui/build/yasgui.min.css";
import "./editor.css";
import { bars, hbars } from "./views.js";
import { ROOT } from "./root.js";
import { t } from "./messages.js";

// Class and property completion asks a remote vocabulary service; this page talks to its own host only.
Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];

const NUMERIC = /^-?\d+(\.\d+)?$/;

// A YASR plugin: counts as bars, labelled by the first non-numeric column.
class ChartPlugin {
  constructor(yasr) {
    this.yasr = yasr;
    this.priority = 5;
    this.label = t("Chart");
  }

  columns() {
    const results = this.yasr.results;
    if (!results || results.getType() !== "json" || results.getBoolean() !== undefined) return null;
    const vars = results.getVariables();
    const rows = results.getBindings();
    if (!rows.length) return null;
    const numeric = vars.filter((v) => rows.every((r) => !r[v] || NUMERIC.test(r[v].value)) && rows.some((r) => r[v]));
    const labels = vars.filter((v) => !numeric.includes(v));
    const label = labels.find((v) => /label$/i.test(v)) || labels.find((v) => rows.some((r) => r[v]?.type !== "uri")) || labels[0];
    return numeric.length && label ? { label, value: numeric[numeric.length - 1], rows } : null;
  }

  canHandleResults() {
    return Boolean(this.columns());
  }

  draw() {
    const { label, value, rows } = this.columns();
    const sums = new Map();
    for (const row of rows) {
      const key = row[label]?.value ?? "";
      sums.set(key, (sums.get(key) || 0) + Number(row[value]?.value || 0));
    }
    const years = [...sums.keys()].every((k) => /^\d{4}$/.test(k));
    const entries = years ? [...sums.entries()].sort((a, b) => a[0].localeCompare(b[0]))
      : [...sums.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 60);
    const box = document.createElement("div");
    box.className = "editor-chart";
    const caption = document.createElement("p");
    caption.textContent = !years && sums.size > 60 ? t("{value} by {label} (the 60 largest)", { value, label })
      : t("{value} by {label}", { value, label });
    box.append(caption, years ? bars(entries, caption.textContent) : hbars(entries, caption.textContent));
    this.yasr.resultsEl.replaceChildren(box);
  }

  getIcon() {
    const icon = document.createElement("span");
    icon.className = "editor-chart__icon";
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = "▮▮";
    return icon;
  }
}
Yasgui.Yasr.registerPlugin("chart", ChartPlugin);

// What YASGUI leaves out for assistive technology (axe-core finds it): a label on CodeMirror's text box, a
// focusable scrolling region, and a tab list holding only tabs (its "add a tab" button goes beside it).
function accessible(root) {
  for (const box of root.querySelectorAll(".CodeMirror textarea:not([aria-label])")) box.setAttribute("aria-label", t("SPARQL query"));
  for (const region of root.querySelectorAll(".CodeMirror-scroll:not([tabindex='0'])")) {
    region.setAttribute("tabindex", "0");
    region.setAttribute("aria-label", t("SPARQL query text"));
  }
  for (const list of root.querySelectorAll(".tabsList")) {
    const add = list.querySelector(".addTab")?.closest("[role=presentation]");
    if (add && add.parentElement === list) list.after(add);
  }
}

function start() {
  const root = document.getElementById("yasgui");
  if (!root) return;
  const examples = JSON.parse(root.dataset.examples || "[]");
  const prefixes = JSON.parse(root.dataset.prefixes || "{}");
  const endpoint = new URL(`${ROOT}/sparql`, window.location.href).href;
  const wanted = new URLSearchParams(window.location.search);
  const initial = wanted.get("query") || examples.find((e) => e.name === wanted.get("example"))?.text || examples[0]?.text || "SELECT * WHERE { ?s ?p ?o } LIMIT 10";
  root.textContent = "";
  const yasgui = new Yasgui(root, {
    requestConfig: { endpoint, method: "POST", acceptHeaderSelect: "application/sparql-results+json,*/*;q=0.9" },
    endpointCatalogueOptions: { getData: () => [{ endpoint }] },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    populateFromUrl: false,
    autofocus: false,
    yasqe: { value: initial, resizeable: true, editorHeight: "320px" },
    yasr: { pluginOrder: ["table", "chart", "response"], defaultPlugin: "table", prefixes },
  });
  const tab = yasgui.getTab();
  tab.setQuery(initial);
  accessible(root);
  new MutationObserver(() => accessible(root)).observe(root, { childList: true, subtree: true });
  window.aichrEditor = yasgui; // for people poking at it from the console

  const select = document.getElementById("editor-example");
  if (select) {
    select.addEventListener("change", () => {
      const example = examples.find((e) => e.name === select.value);
      if (!example) return;
      const current = yasgui.getTab();
      current.setQuery(example.text);
      current.getYasqe().focus();
    });
  }
  const run = document.getElementById("editor-run");
  if (run) run.addEventListener("click", () => yasgui.getTab().query());
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
