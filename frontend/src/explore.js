// Entity pages: a small neighbourhood graph and a timeline, drawn into the section that
// templates/page/_entity_extras.html adds (#explore, data-iri), from GET /explore?iri=...
import { drawView } from "./views.js";
import { ROOT } from "./root.js";
import { t } from "./messages.js";

export async function setupExplore() {
  const section = document.getElementById("explore");
  if (!section || !section.dataset.iri) return;
  let data;
  try {
    const response = await fetch(`${ROOT}/explore?iri=${encodeURIComponent(section.dataset.iri)}`, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    data = await response.json();
  } catch {
    return;
  }
  const network = section.querySelector("#explore-network");
  const timeline = section.querySelector("#explore-timeline");
  let shown = false;
  if (network && data.neighbours?.rows?.length) {
    drawView(network, data.neighbours);
    shown = shown || !network.hidden;
  }
  if (timeline && data.timeline?.rows?.length) {
    drawView(timeline, data.timeline);
    const list = timeline.querySelector(".timeline");
    if (list) {  // a scrolling box: reachable by keyboard, named for screen readers
      list.tabIndex = 0;
      list.setAttribute("aria-label", t("Timeline"));
    }
    shown = shown || !timeline.hidden;
  }
  section.hidden = !shown;
}
