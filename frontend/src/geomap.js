// Events on a map of South-East Asia, drawn offline: the member states' shapes (Natural Earth through
// world-atlas, cut to the 11 states at build time, served with the page's assets) projected with d3-geo.
// Each state is shaded by how many answers the question has there and links to the same question for it.
import { geoMercator, geoPath } from "d3-geo";
import { local } from "./root.js";
import { t } from "./messages.js";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 360;
const HEIGHT = 300;

export async function drawMap(container, { counts, labels, names, chosen, link }) {
  let shapes;
  try {
    const response = await fetch(local("/static/dist/asean-countries.json"));
    if (!response.ok) return;
    shapes = await response.json();
  } catch {
    return; // the tile grid beside it says the same
  }
  const projection = geoMercator().fitSize([WIDTH, HEIGHT], shapes);
  const path = geoPath(projection);
  const most = Math.max(1, ...counts.values());
  const root = document.createElementNS(SVG, "svg");
  root.setAttribute("viewBox", `0 0 ${WIDTH} ${HEIGHT}`);
  root.setAttribute("class", "geo-map");
  root.setAttribute("role", "group");
  root.setAttribute("aria-label", t("Map of the ASEAN member states"));
  for (const shape of shapes.features) {
    const code = shape.id;
    const count = counts.get(code) || 0;
    const name = labels.get(code) || names.get(code) || code.toUpperCase();
    const area = document.createElementNS(SVG, "path");
    area.setAttribute("d", path(shape));
    area.setAttribute("class", `geo-map__state${code === chosen ? " geo-map__state--chosen" : count ? (count >= most / 2 ? " geo-map__state--many" : " geo-map__state--some") : ""}`);
    const title = document.createElementNS(SVG, "title");
    title.textContent = count === 1 ? t("{name}: 1 event", { name }) : t("{name}: {count} events", { name, count });
    area.append(title);
    const href = code !== chosen && labels.has(code) ? link(code) : null;
    if (href) {
      const a = document.createElementNS(SVG, "a");
      a.setAttribute("href", local(href));
      a.setAttribute("aria-label", count === 1 ? t("{name} 1 event", { name }) : t("{name} {count} events", { name, count }));
      a.append(area);
      root.append(a);
    } else {
      root.append(area);
    }
  }
  const figure = document.createElement("figure");
  figure.className = "geo-map__figure";
  const caption = document.createElement("figcaption");
  caption.textContent = t("Darker: more events. Shapes: Natural Earth (public domain).");
  figure.append(root, caption);
  container.append(figure);
}
