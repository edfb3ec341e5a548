// The views a question's header can ask for, drawn from the answer the page carries (#view's data-answer):
// rows of {column: {text, href?, iri?}} with labels already resolved. Plain DOM and SVG, built with
// createElement / textContent only (a label is never parsed as markup). The table below each view
// stays the accessible, printable form of the same answer.
import { ROOT, local } from "./root.js";

import { drawMap } from "./geomap.js";
import { tree } from "./tree.js";
import { t } from "./messages.js";

const SVG = "http://www.w3.org/2000/svg";
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/;
const PALETTE = ["#2f6fae", "#b4480b", "#2e7d32", "#8e3a9d", "#a07800", "#00838f", "#c2185b", "#5d4037", "#455a64"];

export function drawView(container, data) {
  const draw = { timeline, network, map, chart, tree }[data.view];
  container.replaceChildren();
  if (!draw || !data.rows.length) {
    container.hidden = true;
    return;
  }
  const drawn = draw(container, data);
  container.hidden = drawn === false;
}

// -- helpers ------------------------------------------------------------------------------------
// The width a drawing will have: its container's, or (while a section is still hidden) the nearest shown one's.
function shownWidth(node) {
  for (let at = node; at; at = at.parentElement) {
    const width = Math.round(at.getBoundingClientRect().width);
    if (width > 0) return width;
  }
  return 1000;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null) node.setAttribute(key, String(value));
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function link(cell) {
  return cell.href ? el("a", { href: local(cell.href) }, cell.text) : document.createTextNode(cell.text);
}

function title(text) {
  return el("h2", { class: "view__title" }, text);
}

function note(text) {
  return el("p", { class: "view__note" }, text);
}

function columnsWhere(data, test) {
  return data.columns.map((c) => c.name).filter((name) => {
    const cells = data.rows.map((r) => r[name]).filter(Boolean);
    return cells.length > 0 && cells.filter(test).length >= cells.length * 0.8;
  });
}

const raw = (cell) => cell?.value ?? cell?.text ?? "";
const isDate = (cell) => /^\d{4}(-\d{2}(-\d{2})?)?$/.test(raw(cell));
const isCount = (cell) => /^\d+$/.test(cell.text);
const isEntity = (base) => (cell) => Boolean(cell.iri) && (!base || cell.iri.startsWith(base + "id/"));

export function formatDate(text) {
  const m = DATE.exec(text || "");
  if (!m) return text || "";
  const [, year, month, day] = m;
  if (day) return `${Number(day)} ${MONTHS[Number(month) - 1]} ${year}`;
  if (month) return `${MONTHS[Number(month) - 1]} ${year}`;
  return year;
}

// '2022-09-27' + '2022-09-28' -> '27–28 September 2022'; different months or years spelled out in full.
function dateRange(start, end) {
  if (!end || end === start) return formatDate(start);
  const a = DATE.exec(start);
  const b = DATE.exec(end);
  if (a && b && a[3] && b[3] && a[1] === b[1] && a[2] === b[2]) return `${Number(a[3])}–${formatDate(end)}`;
  return `${formatDate(start)} – ${formatDate(end)}`;
}

function short(text, max = 30) {
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}

function baseOf(data) {
  const iri = data.rows.flatMap((r) => Object.values(r)).map((c) => c.iri).find((i) => i && i.includes("/id/"));
  return iri ? iri.slice(0, iri.indexOf("/id/") + 1) : "";
}

// -- timeline -------------------------------------------------------------------------------------
function timeline(container, data) {
  const names = data.columns.map((c) => c.name);
  const dates = columnsWhere(data, isDate).filter((n) => !/^end|^to$/i.test(n));
  const when = data.options?.date || dates[0];
  const base = baseOf(data);
  const what = data.options?.item || columnsWhere(data, isEntity(base))[0] || names[0];
  if (!when) return false;
  const end = names.find((n) => /^end$/i.test(n));
  const others = names.filter((n) => n !== when && n !== what && n !== end && !dates.includes(n)).slice(0, 2);
  const byYear = new Map();
  const undated = [];
  for (const row of data.rows) {
    const year = DATE.exec(raw(row[when]))?.[1];
    if (!year) { undated.push(row); continue; }
    if (!byYear.has(year)) byYear.set(year, []);
    byYear.get(year).push(row);
  }
  const years = [...byYear.keys()].sort();
  const span = years.length ? `, ${years[0]}–${years[years.length - 1]}` : "";
  container.append(title(data.options?.title ? `${data.options.title}: ${data.rows.length}${span}`
    : (data.rows.length === 1 ? t("On a timeline: 1 entry") : t("On a timeline: {n} entries", { n: data.rows.length })) + span));
  if (years.length > 1) container.append(strip(byYear, years, what));
  const list = el("ol", { class: "timeline" });
  const item = (row) => {
    // the server writes dates (and ranges) for people; only a bare ISO value needs spelling out here
    const cell = row[when];
    const date = !cell ? null : cell.value ? cell.text : dateRange(cell.text, end && row[end] ? raw(row[end]) : null);
    const meta = metaLine(row, others, data);
    return el("li", { class: "timeline__item" },
      date ? el("span", { class: "timeline__date" }, date) : null,
      row[what] ? link(row[what]) : null,
      meta ? el("span", { class: "timeline__meta" }, meta) : null);
  };
  for (const year of years) {
    list.append(el("li", { class: "timeline__year" }, el("h3", {}, year),
      el("ol", { class: "timeline__items" }, ...byYear.get(year).map(item))));
  }
  if (undated.length) {
    list.append(el("li", { class: "timeline__year" }, el("h3", {}, t("Undated")),
      el("ol", { class: "timeline__items" }, ...undated.map(item))));
  }
  container.append(list);
  return true;
}

function metaLine(row, others, data) {
  return others.filter((n) => row[n]).map((n) => {
    const heading = data.columns.find((c) => c.name === n)?.heading ?? n;
    return `${heading}: ${row[n].text}`;
  }).join(" · ");
}

// An overview strip: one tick per year of the span, one dot per entry.
function strip(byYear, years, what) {
  const first = Number(years[0]);
  const last = Number(years[years.length - 1]);
  const span = Math.max(1, last - first);
  const width = 800;
  const x = (year) => 20 + ((year - first) / span) * (width - 40);
  const most = Math.max(...[...byYear.values()].map((r) => r.length));
  const height = 44 + Math.min(most, 8) * 9;
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "timeline__strip", role: "img",
    "aria-label": t("Entries per year from {first} to {last}", { first, last }) });
  root.append(svg("line", { x1: 20, x2: width - 20, y1: height - 24, y2: height - 24, stroke: "#9aa8b6", "stroke-width": 2 }));
  const step = span > 30 ? 10 : span > 12 ? 5 : span > 5 ? 2 : 1;
  for (let year = first; year <= last; year += 1) {
    if ((year - first) % step !== 0 && year !== last) continue;
    root.append(svg("line", { x1: x(year), x2: x(year), y1: height - 28, y2: height - 20, stroke: "#9aa8b6" }),
      svg("text", { x: x(year), y: height - 6, "text-anchor": "middle", "font-size": 12 }, String(year)));
  }
  for (const [year, rows] of byYear) {
    rows.slice(0, 8).forEach((row, i) => {
      root.append(svg("circle", { cx: x(Number(year)), cy: height - 34 - i * 9, r: 4, fill: "#b4480b" },
        svg("title", {}, `${year}: ${row[what]?.text ?? ""}`)));
    });
  }
  return root;
}

// -- network --------------------------------------------------------------------------------------
function network(container, data) {
  const base = baseOf(data);
  const entityCols = columnsWhere(data, isEntity(base));
  const names = data.columns.map((c) => c.name);
  const counts = columnsWhere(data, isCount);
  const weightCol = data.options?.weight || counts[0];
  const edgeCol = data.options?.edge || names.find((n) => !entityCols.includes(n) && n !== weightCol);
  let [from, to] = entityCols;
  const nodes = new Map();
  const edges = [];
  const node = (cell) => {
    if (!nodes.has(cell.iri)) nodes.set(cell.iri, { id: cell.iri, text: cell.text, href: cell.href, degree: 0 });
    return nodes.get(cell.iri);
  };
  let centre = null;
  if (!to) {
    // One entity column: the rows are the neighbours of the question's own setting (e.g. a body's partners).
    const param = Object.values(data.params || {})[0];
    if (!from || !param) return false;
    centre = { iri: `centre:${param.value}`, text: param.label, href: null };
    to = from;
  }
  for (const row of data.rows) {
    const a = centre || row[from];
    const b = row[to];
    if (!a || !b || a.iri === b.iri) continue;
    const na = node(a);
    const nb = node(b);
    na.degree += 1;
    nb.degree += 1;
    edges.push({ a: na, b: nb, kind: edgeCol ? row[edgeCol]?.text ?? "" : "", weight: weightCol ? Number(row[weightCol]?.text || 1) : 1 });
  }
  if (!edges.length) return false;
  const list = [...nodes.values()];
  const hub = centre ? nodes.get(centre.iri) : null;
  // drawn at the width it is shown at (one unit a pixel), so labels keep their size on a phone
  const room = shownWidth(container);
  const { width, height } = hub ? (room < 760 ? column(list, edges, hub, room) : radial(list, edges, hub, room))
    : arrange(list, edges, null);
  // colour links by kind when there are a few plain kinds ("is a unit of"), not combinations ("a; b")
  const kinds = [...new Set(edges.map((e) => e.kind))];
  const coloured = kinds.length > 1 && kinds.length <= PALETTE.length && !kinds.some((k) => k.includes(";"));
  const colour = (kind) => (coloured ? PALETTE[kinds.indexOf(kind)] : "#7d93ab");
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "network",
    "aria-label": t("Network of {nodes} bodies and {links} links", { nodes: list.length, links: edges.length }) });
  const maxWeight = Math.max(...edges.map((e) => e.weight));
  for (const e of edges) {
    const width = maxWeight > 1 ? 1.5 + (4 * e.weight) / maxWeight : 1.8;
    root.append(svg("line", { x1: e.a.x, y1: e.a.y, x2: e.b.x, y2: e.b.y, stroke: colour(e.kind), "stroke-width": width,
      "stroke-opacity": 0.75 }, svg("title", {}, `${e.a.text} ${e.kind || "—"} ${e.b.text}${weightCol ? ` (${e.weight})` : ""}`)));
  }
  const maxDegree = Math.max(...list.map((n) => n.degree));
  const weightOf = new Map();
  if (hub && weightCol) for (const e of edges) weightOf.set(e.a === hub ? e.b : e.a, e.weight);
  for (const n of list) {
    const r = n.isCentre ? 14 : 6 + (10 * n.degree) / maxDegree;
    const side = n.anchor || "middle";
    const tx = side === "start" ? n.x + r + 5 : side === "end" ? n.x - r - 5 : n.x;
    const below = n.isCentre || n.below;
    const ty = side === "middle" ? (below ? n.y + r + 15 : n.y - r - 4) : n.y + 4;
    const suffix = weightOf.has(n) ? ` (${weightOf.get(n)})` : "";
    const words = short(n.text, n.max || (n.isCentre ? 70 : hub ? 36 : 26)) + suffix;
    const group = svg("g", { "data-suffix": suffix },
      svg("circle", { cx: n.x, cy: n.y, r, fill: n.isCentre ? "#0f2f4f" : "#ffffff", stroke: "#0f2f4f", "stroke-width": 2 }),
      svg("text", { x: tx, y: ty, "text-anchor": side, "font-size": n.isCentre ? 14 : 12, "font-weight": n.isCentre ? 700 : 400,
        "paint-order": "stroke", stroke: "#ffffff", "stroke-width": 4, "stroke-linejoin": "round" }, words),
      svg("title", {}, n.text));
    root.append(n.href ? svg("a", { href: local(n.href) }, group) : group);
  }
  const heading = data.options?.title || (hub ? t("{name} and {n} partners", { name: hub.text, n: list.length - 1 })
    : t("As a network: {links} links between {nodes} names", { links: edges.length, nodes: list.length }));
  container.append(title(heading.replace("{n}", String(list.length - 1))), root);
  untangle(root);
  if (coloured) {
    container.append(el("ul", { class: "network__legend", "aria-label": t("Kinds of link") },
      ...kinds.map((k) => {
        const swatch = el("span", { "aria-hidden": "true" });
        swatch.style.background = colour(k);
        return el("li", {}, swatch, k || "—");
      })));
  }
  if (kinds.some((k) => /^[→←]/.test(k))) {
    const name = hub?.text ?? t("this");
    container.append(note(t("Arrows show which way a link reads: → from {name} to the other, ← from the other to {name}.", { name })));
  }
  if (weightCol) container.append(note(t("Thicker lines: more {what} in common.", { what: data.columns.find((c) => c.name === weightCol)?.heading.toLowerCase() ?? t("shared") })));
  return true;
}

// The hub's partners, most shared first.
function partners(nodes, edges, hub) {
  const others = nodes.filter((n) => n !== hub);
  const weight = new Map(edges.map((e) => [e.a === hub ? e.b : e.a, e.weight]));
  return others.sort((a, b) => (weight.get(b) || 0) - (weight.get(a) || 0) || a.text.localeCompare(b.text));
}

// A star (one body and its partners): the body in the middle, partners round it, most shared first,
// labels on the outer side so they do not cross the lines; as wide as the space it is shown in.
function radial(nodes, edges, hub, width) {
  const others = partners(nodes, edges, hub);
  const height = Math.max(200, Math.min(900, 90 + others.length * 30));
  const reach = Math.max(140, Math.min(300, (width - 520) / 2));  // room left on each side for a 36-letter label
  hub.isCentre = true;
  hub.x = width / 2;
  hub.y = height / 2;
  hub.max = Math.floor((1.6 * reach - 40) / 8.5);  // the hub's label between the partners beside it
  others.forEach((n, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / others.length;
    n.isCentre = false;
    n.x = width / 2 + Math.cos(angle) * reach;
    n.y = height / 2 + Math.sin(angle) * (height / 2 - 34);
    n.anchor = Math.abs(Math.cos(angle)) < 0.05 ? "middle" : Math.cos(angle) > 0 ? "start" : "end";  // only straight up or down
    n.below = Math.sin(angle) > 0;
  });
  return { width, height };
}

// Where a star would not fit (a phone): the hub at the top left, its partners in a column under it, each
// label running to the right edge.
function column(nodes, edges, hub, width) {
  const others = partners(nodes, edges, hub);
  hub.isCentre = true;
  Object.assign(hub, { x: 18, y: 22, anchor: "start", max: Math.floor((width - 40) / 8.5) });
  others.forEach((n, i) => {
    Object.assign(n, { isCentre: false, x: 52, y: 66 + i * 30, anchor: "start", max: Math.floor((width - 80) / 6.8) });
  });
  return { width, height: 66 + others.length * 30 };
}

// What the layout could not keep apart (long labels side by side): a label that covers another label or
// another node is cut short, one letter at a time, the whole name staying in its tooltip.
function untangle(root) {
  const nodes = [...root.querySelectorAll("g")].map((g) => ({
    text: g.querySelector("text"), circle: g.querySelector("circle"), suffix: g.getAttribute("data-suffix") || "" }));
  const hit = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  for (const a of nodes) {
    const covers = () => {
      const box = a.text.getBBox();
      return box.width > 0 && nodes.some((b) => b !== a && (hit(box, b.circle.getBBox()) || hit(box, b.text.getBBox())));
    };
    let words = a.text.textContent.slice(0, a.text.textContent.length - a.suffix.length).replace(/…$/, "");
    while (words.length > 8 && covers()) {
      words = words.slice(0, -1).trimEnd();
      a.text.textContent = `${words}…${a.suffix}`;
    }
  }
}

// Each connected group is laid out on its own, then the groups are packed in rows, largest first:
// a group with no link to the rest stays beside it instead of being pushed off the page.
function arrange(nodes, edges, centre) {
  const WIDTH = 1000;
  const group = new Map(nodes.map((n) => [n, n]));
  const find = (n) => (group.get(n) === n ? n : find(group.get(n)));
  for (const e of edges) group.set(find(e.a), find(e.b));
  const groups = new Map();
  for (const n of nodes) {
    const root = find(n);
    if (!groups.has(root)) groups.set(root, []);
    groups.get(root).push(n);
  }
  const boxes = [...groups.values()].sort((a, b) => b.length - a.length).map((members) => {
    const inside = new Set(members);
    const area = Math.max(1, members.length) * 15000;
    const width = Math.min(WIDTH, Math.max(240, Math.sqrt(area * 1.8)));
    const height = Math.max(110, area / width);
    layout(members, edges.filter((e) => inside.has(e.a)), inside.has(centre) ? centre : null, width, height);
    return { members, width, height };
  });
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  for (const box of boxes) {
    if (x > 0 && x + box.width > WIDTH) { x = 0; y += rowHeight; rowHeight = 0; }
    for (const n of box.members) { n.x += x; n.y += y; }
    x += box.width;
    rowHeight = Math.max(rowHeight, box.height);
  }
  return { width: WIDTH, height: y + rowHeight };
}

// Fruchterman-Reingold in a bounded frame (deterministic: nodes start on a circle). The frame keeps
// separate groups on screen and the drawing at a size where labels stay readable.
function layout(nodes, edges, centre, width, height) {
  const n = nodes.length;
  if (n === 1) { nodes[0].x = width / 2; nodes[0].y = height / 2; nodes[0].isCentre = nodes[0] === centre; return; }
  const k = 0.6 * Math.sqrt((width * height) / Math.max(1, n));
  nodes.forEach((node, i) => {
    const angle = (2 * Math.PI * i) / n;
    node.isCentre = node === centre;
    node.x = node.isCentre ? width / 2 : width / 2 + Math.cos(angle) * width * 0.35;
    node.y = node.isCentre ? height / 2 : height / 2 + Math.sin(angle) * height * 0.35;
  });
  let temperature = width / 8;
  for (let step = 0; step < 400; step += 1) {
    for (const v of nodes) { v.dx = 0; v.dy = 0; }
    for (let i = 0; i < n; i += 1) {
      for (let j = i + 1; j < n; j += 1) {
        const a = nodes[i];
        const b = nodes[j];
        let dx = a.x - b.x;
        let dy = a.y - b.y;
        let dist = Math.hypot(dx, dy);
        if (dist < 0.01) { dx = 0.01 * (i - j || 1); dy = 0.01; dist = Math.hypot(dx, dy); }
        // labels are wide: push apart sideways more than up and down
        const force = (k * k) / dist;
        a.dx += (dx / dist) * force * 1.3; a.dy += (dy / dist) * force * 0.8;
        b.dx -= (dx / dist) * force * 1.3; b.dy -= (dy / dist) * force * 0.8;
      }
    }
    for (const e of edges) {
      const dx = e.a.x - e.b.x;
      const dy = e.a.y - e.b.y;
      const dist = Math.max(0.01, Math.hypot(dx, dy));
      const force = (dist * dist) / k;
      e.a.dx -= (dx / dist) * force; e.a.dy -= (dy / dist) * force;
      e.b.dx += (dx / dist) * force; e.b.dy += (dy / dist) * force;
    }
    for (const v of nodes) {
      // gravity: groups without links between them still stay near the middle
      v.dx += (width / 2 - v.x) * 0.03;
      v.dy += (height / 2 - v.y) * 0.05;
      if (v.isCentre) continue;
      const len = Math.max(0.01, Math.hypot(v.dx, v.dy));
      v.x = Math.min(width - 95, Math.max(95, v.x + (v.dx / len) * Math.min(len, temperature)));
      v.y = Math.min(height - 18, Math.max(28, v.y + (v.dy / len) * Math.min(len, temperature)));
    }
    temperature = Math.max(0.5, temperature * 0.985);
  }
}

// -- map: a grid of ASEAN member states ------------------------------------------------------------
// Rough geography: north-west to south-east, so neighbours stay neighbours.
const GRID = [
  ["mmr", "lao", "vnm", null],
  ["tha", "khm", null, "phl"],
  ["mys", "sgp", "brn", null],
  [null, "idn", "tls", null],
];

function map(container, data) {
  const base = baseOf(data);
  const stateOf = (cell) => cell?.iri && /\/id\/state\/([a-z]{3})$/.exec(cell.iri)?.[1];
  const counts = new Map();
  for (const row of data.rows) {
    const seen = new Set(Object.values(row).map(stateOf).filter(Boolean));
    for (const code of seen) counts.set(code, (counts.get(code) || 0) + 1);
  }
  const [paramName, param] = Object.entries(data.params || {}).find(([, p]) => /^state:/.test(p.value)) ||
    Object.entries(data.params || {})[0] || [];
  const chosen = /^state:([a-z]{3})$/.exec(param?.value || "")?.[1];
  for (const [value, count] of Object.entries(data.counts || {})) {
    const code = /^state:([a-z]{3})$/.exec(value)?.[1];
    if (code) counts.set(code, count);
  }
  if (chosen) counts.set(chosen, data.rows.length);
  const labels = stateLabels(paramName);
  const most = Math.max(1, ...counts.values());
  const grid = el("ul", { class: "grid-map", "aria-label": t("ASEAN member states") });
  for (const line of GRID) {
    for (const code of line) {
      if (!code) { grid.append(el("li", { class: "grid-map__gap", "aria-hidden": "true" })); continue; }
      const count = counts.get(code) || 0;
      const name = labels.get(code) || data.stateNames?.[`state:${code}`] || code.toUpperCase();
      const level = code === chosen ? "chosen" : count === 0 ? "" : count >= most / 2 ? "many" : "some";
      // the visible words are the accessible name (no aria-label that says it differently)
      const text = [el("span", {}, name), el("strong", {}, count ? String(count) : "–"),
        el("span", { class: "visually-hidden" }, " " + (count === 1 ? t("event") : t("events")))];
      const attrs = { class: `grid-map__tile${level ? ` grid-map__tile--${level}` : ""}`,
        "aria-current": code === chosen ? "true" : null };
      if (paramName && labels.has(code) && code !== chosen) {
        const params = new URLSearchParams({ q: data.question, [paramName]: `state:${code}` });
        grid.append(el("li", {}, el("a", { ...attrs, href: `${ROOT}/?${params}`, "data-question": data.question }, ...text)));
      } else {
        grid.append(el("li", {}, el("span", attrs, ...text)));
      }
    }
  }
  const pair = el("div", { class: "geo-pair" }, grid);
  container.append(title(chosen ? t("Where: {state} among the ASEAN member states", { state: labels.get(chosen) || param.label }) : t("Where, among the ASEAN member states")), pair);
  const named = new Map(Object.entries(data.stateNames || {}).map(([v, n]) => [v.slice(6), n]));
  drawMap(pair, { counts, labels, names: named, chosen, link: (code) => `/?${new URLSearchParams({ q: data.question, [paramName]: `state:${code}` })}` });
  if (paramName) container.append(note(t("Choose a country to ask the same question about it.")));
  // Where inside: places named in the answer, with how often.
  const placeCol = data.columns.map((c) => c.name).find((n) => n !== paramName && columnsWhere(data, isEntity(base)).includes(n) && /place|location/i.test(n));
  if (placeCol) {
    const places = new Map();
    for (const row of data.rows) {
      const cell = row[placeCol];
      if (!cell) continue;
      const entry = places.get(cell.iri) || { cell, count: 0 };
      entry.count += 1;
      places.set(cell.iri, entry);
    }
    const sorted = [...places.values()].sort((a, b) => b.count - a.count || a.cell.text.localeCompare(b.cell.text));
    container.append(el("h3", { class: "view__title" }, t("Places")),
      el("ul", { class: "grid-map__places" }, ...sorted.map((p) => el("li", {}, link(p.cell), ` (${p.count})`))));
  }
  return true;
}

// State names as the form's drop-down spells them (so the grid needs no request of its own).
function stateLabels(paramName) {
  const labels = new Map();
  const select = paramName && document.getElementById(`param-${paramName}`);
  for (const option of select ? select.options : []) {
    const code = /^state:([a-z]{3})$/.exec(option.value)?.[1];
    if (code) labels.set(code, (option.dataset.name || option.textContent).trim());
  }
  return labels;
}

// -- chart: bars of counts --------------------------------------------------------------------------
function chart(container, data) {
  const names = data.columns.map((c) => c.name);
  const strip = (n) => (n && n.endsWith("Label") ? n.slice(0, -5) : n);
  const counts = columnsWhere(data, isCount);
  const y = strip(data.options?.y) || counts[counts.length - 1];
  const x = strip(data.options?.x) || names.find((n) => n !== y);
  const series = strip(data.options?.series);
  if (!x || !y || !names.includes(x) || !names.includes(y)) return false;
  const heading = (n) => data.columns.find((c) => c.name === n)?.heading ?? n;
  const totals = new Map();
  if (series && names.includes(series)) {
    for (const row of data.rows) {
      const key = row[series]?.text ?? "";
      totals.set(key, (totals.get(key) || 0) + Number(row[y]?.text || 0));
    }
  }
  const choices = [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const controls = el("div", { class: "chart__controls" });
  let select = null;
  if (choices.length > 1) {
    select = el("select", { id: "chart-series" },
      el("option", { value: "" }, t("All {n} {what}s", { n: choices.length, what: heading(series).toLowerCase() })),
      ...choices.map(([key, total]) => el("option", { value: key }, `${key} (${total})`)));
    controls.append(el("label", { for: "chart-series" }, `${heading(series)}:`), select);
  }
  const figure = el("div", { class: "chart" });
  const caption = note("");
  const render = () => {
    const only = select?.value || "";
    const sums = new Map();
    for (const row of data.rows) {
      if (only && row[series]?.text !== only) continue;
      const key = row[x]?.text ?? "";
      sums.set(key, (sums.get(key) || 0) + Number(row[y]?.text || 0));
    }
    figure.replaceChildren(bars(fillYears(sums), t("{what} per {per}", { what: heading(y), per: heading(x).toLowerCase() })));
    caption.textContent = only || !series || choices.length < 2 ? ""
      : t("All {what}s together: something counted under several {what}s counts once for each.", { what: heading(series).toLowerCase() });
  };
  select?.addEventListener("change", render);
  render();
  container.append(title(t("{what} per {per}", { what: heading(y), per: heading(x).toLowerCase() })), controls, figure, caption);
  return true;
}

// Years with no entry still get their (empty) place on the axis.
function fillYears(sums) {
  const keys = [...sums.keys()];
  if (!keys.length || !keys.every((k) => /^\d{4}$/.test(k))) return [...sums.entries()];
  const years = keys.map(Number);
  const out = [];
  for (let year = Math.min(...years); year <= Math.max(...years); year += 1) out.push([String(year), sums.get(String(year)) || 0]);
  return out;
}

function bars(entries, label) {
  const width = 820;
  const height = 300;
  const left = 40;
  const bottom = 46;
  const top = 16;
  const max = Math.max(1, ...entries.map(([, v]) => v));
  const band = (width - left - 10) / Math.max(1, entries.length);
  const scale = (v) => ((height - top - bottom) * v) / max;
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": label });
  const ticks = niceTicks(max);
  for (const t of ticks) {
    const yy = height - bottom - scale(t);
    root.append(svg("line", { x1: left, x2: width - 10, y1: yy, y2: yy, stroke: "#e1e6ec" }),
      svg("text", { x: left - 6, y: yy + 4, "text-anchor": "end", "font-size": 12 }, String(t)));
  }
  const rotate = entries.length > 14;
  entries.forEach(([key, value], i) => {
    const bx = left + i * band + band * 0.15;
    const bw = band * 0.7;
    const bh = scale(value);
    root.append(svg("rect", { class: "bar", x: bx, y: height - bottom - bh, width: bw, height: bh },
      svg("title", {}, `${key}: ${value}`)));
    if (value) root.append(svg("text", { class: "value", x: bx + bw / 2, y: height - bottom - bh - 4, "text-anchor": "middle", "font-size": 11 }, String(value)));
    const lx = bx + bw / 2;
    const ly = height - bottom + 16;
    root.append(svg("text", { x: lx, y: ly, "text-anchor": rotate ? "end" : "middle", "font-size": 12,
      transform: rotate ? `rotate(-45 ${lx} ${ly})` : null }, short(key, 16)));
  });
  root.append(svg("line", { x1: left, x2: width - 10, y1: height - bottom, y2: height - bottom, stroke: "#7d8794" }));
  return root;
}

// Categories (names, not years): one horizontal bar per entry, its full name beside it.
function hbars(entries, label) {
  const row = 24;
  const left = 290;
  const width = 820;
  const height = entries.length * row + 24;
  const max = Math.max(1, ...entries.map(([, v]) => v));
  const scale = (v) => ((width - left - 50) * v) / max;
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": label });
  entries.forEach(([key, value], i) => {
    const y = i * row + 8;
    root.append(
      svg("text", { x: left - 8, y: y + 13, "text-anchor": "end", "font-size": 12 }, short(key, 44), svg("title", {}, key)),
      svg("rect", { class: "bar", x: left, y, width: Math.max(1, scale(value)), height: row - 8 }, svg("title", {}, `${key}: ${value}`)),
      svg("text", { x: left + scale(value) + 5, y: y + 13, "font-size": 12 }, String(value)));
  });
  return root;
}

function niceTicks(max) {
  const step = max <= 5 ? 1 : max <= 10 ? 2 : max <= 25 ? 5 : Math.pow(10, Math.floor(Math.log10(max)));
  const ticks = [];
  for (let t = 0; t <= max; t += step) ticks.push(t);
  return ticks;
}

export { bars, fillYears, hbars };
