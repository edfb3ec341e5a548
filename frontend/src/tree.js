// The architecture as an organisation chart: each body under the one it belongs to (a unit, a part, a
// programme, an associated entity, a secretariat, a member, a representation), drawn as an indented tree
// so labels stay full-size and readable at any width. d3-hierarchy (npm, through the lock file) builds and
// orders the tree; the DOM is nested lists with links, so it reads in order without the picture. Posts are not
// bodies: each body lists its posts and the people the sources name in them, as text under its name.
import { stratify } from "d3-hierarchy";
import { local } from "./root.js";
import { t } from "./messages.js";

// the relation that places a body under another, strongest first (a body listed under one parent only)
const PLACES = ["is a unit of", "is part of", "is a programme of", "is an entity associated with",
  "is the secretariat of", "represents", "is a member of"];
const POST = "is a post in";  // a post is listed under its body, not drawn as a body of its own
const UNDER = () => ({ "is a unit of": t("Units"), "is part of": t("Parts and bodies"), "is a programme of": t("Programmes"),
  "is an entity associated with": t("Associated entities"), "is the secretariat of": t("Secretariat"),
  "represents": t("Representations"), "is a member of": t("Members") });

export function tree(container, data) {
  const nodes = new Map();
  const parent = new Map();
  const posts = new Map();  // body IRI -> Map(post IRI -> {post, holders: [{holder, years}]})
  const rank = (relation) => { const i = PLACES.indexOf(relation); return i < 0 ? PLACES.length : i; };
  for (const row of data.rows) {
    const child = row.body, up = row.other, relation = row.relation?.text || row.relationLabel?.text || "";
    if (!child?.iri || !up?.iri || child.iri === up.iri) continue;
    if (relation === POST) {
      if (!nodes.has(up.iri)) nodes.set(up.iri, up);
      if (!posts.has(up.iri)) posts.set(up.iri, new Map());
      const known = posts.get(up.iri);
      if (!known.has(child.iri)) known.set(child.iri, { post: child, holders: [] });
      if (row.holder?.iri) known.get(child.iri).holders.push({ holder: row.holder, years: row.years?.text || "" });
      continue;
    }
    nodes.set(child.iri, child);
    nodes.set(up.iri, up);
    const known = parent.get(child.iri);
    if (!known || rank(relation) < rank(known.relation)) parent.set(child.iri, { iri: up.iri, relation });
  }
  // a relation that would close a loop is dropped, so every body has one way up
  for (const iri of parent.keys()) {
    const seen = new Set([iri]);
    for (let up = parent.get(iri)?.iri; up; up = parent.get(up)?.iri) {
      if (seen.has(up)) { parent.delete(iri); break; }
      seen.add(up);
    }
  }
  if (!nodes.size) return false;
  const ROOT = "root:";
  const rows = [{ id: ROOT }, ...[...nodes.keys()].map((iri) => ({ id: iri, parentId: parent.get(iri)?.iri || ROOT }))];
  const root = stratify()(rows).count().sort((a, b) => b.value - a.value || label(a).localeCompare(label(b)));

  function label(node) { return nodes.get(node.id)?.text || ""; }

  function anchor(cell) {
    return cell.href ? el("a", { href: local(cell.href) }, cell.text) : el("span", {}, cell.text);
  }

  function item(node) {
    const name = anchor(nodes.get(node.id));
    const li = el("li", { class: "orgchart__node" }, name);
    const held = posts.get(node.id);
    if (held) {
      li.append(el("p", { class: "orgchart__group" }, t("Posts and people ({n})", { n: held.size })),
        el("ul", { class: "orgchart__posts" }, ...[...held.values()].map(({ post, holders }) => {
          const entry = el("li", {}, anchor(post));
          holders.forEach(({ holder, years }, n) => {
            entry.append(n ? ", " : ": ", anchor(holder), years ? ` (${years})` : "");
          });
          return entry;
        })));
    }
    if (node.children) {
      const groups = new Map();
      for (const child of node.children) {
        const heading = UNDER()[parent.get(child.id)?.relation] || t("Linked");
        if (!groups.has(heading)) groups.set(heading, []);
        groups.get(heading).push(child);
      }
      for (const [heading, children] of groups) {
        li.append(el("p", { class: "orgchart__group" }, `${heading} (${children.length})`),
          el("ul", { class: "orgchart__children" }, ...children.map(item)));
      }
    }
    return li;
  }

  const people = [...posts.values()].reduce((n, known) => n + known.size, 0);
  container.append(el("h2", { class: "view__title" },
    t("As an organisation chart: {n} bodies and states, with {people} posts listed under their body", { n: nodes.size, people })),
    el("ul", { class: "orgchart", "aria-label": t("Organisation chart") }, ...(root.children || []).map(item)));
  return true;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}
