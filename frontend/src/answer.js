// Loading answers in place: a question link or the settings form fetches the same server-rendered
// page, swaps the answer in, and keeps the address bar a permalink. Without this script the links
// and the form work as plain navigation; with it the page shows progress and plain-language errors.

import { drawView } from "./views.js";
import { enhanceTable, watchSettings } from "./table.js";
import { ROOT } from "./root.js";
import { t } from "./messages.js";

const SLOW_AFTER_MS = 8000;
let inFlight = null;

export function setupAnswers() {
  const ask = document.querySelector(".ask");
  if (!ask) return;
  openQuestionListOnWideScreens();
  WIDE.addEventListener("change", openQuestionListOnWideScreens);
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-question]");
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    load(link.href, { push: true });
  });
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.id !== "params") return;
    event.preventDefault();
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) if (value !== "") params.append(name, value);
    load(`${ROOT}/?${params}`, { push: true });
  });
  window.addEventListener("popstate", () => load(window.location.href, { push: false }));
  enhanceAnswer();
}

const WIDE = window.matchMedia("(min-width: 62rem)");

function openQuestionListOnWideScreens() {
  const list = document.getElementById("questions");
  if (list && WIDE.matches) list.open = true;
}

async function load(url, { push }) {
  if (inFlight) inFlight.abort();
  const controller = new AbortController();
  inFlight = controller;
  const progress = showProgress(controller);
  try {
    let response;
    try {
      response = await fetch(url, { signal: controller.signal, headers: { Accept: "text/html" } });
    } catch (error) {
      if (error.name === "AbortError") throw error;
      throw new Problem(t("The service could not be reached."), t("Check your connection, then ask again."));
    }
    const type = response.headers.get("content-type") || "";
    if (!type.includes("text/html")) throw problemFor(response.status);
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    // the whole question area: the list of questions appears once a question is chosen
    const fresh = doc.querySelector(".ask");
    if (!fresh) throw problemFor(response.status);
    document.querySelector(".ask").replaceWith(document.adoptNode(fresh));
    document.title = doc.title;
    if (push) window.history.pushState({}, "", url);
    openQuestionListOnWideScreens();
    enhanceAnswer();
    const title = document.getElementById("answer-title");
    if (title) title.focus({ preventScroll: false });
  } catch (error) {
    if (error.name === "AbortError") return;
    showProblem(error instanceof Problem ? error : new Problem(t("Something went wrong while showing the answer."),
      t("Reload the page and ask again.")));
  } finally {
    progress.done();
    if (inFlight === controller) inFlight = null;
  }
}

class Problem extends Error {
  constructor(title, next) { super(title); this.title = title; this.next = next; }
}

function problemFor(status) {
  if (status === 503) return new Problem(t("The service is busy answering other questions."), t("Wait a few seconds, then ask again."));
  if (status === 504) return new Problem(t("The graph took too long to answer."), t("Ask again, or choose a narrower setting (one event, one theme)."));
  if (status === 429) return new Problem(t("Too many questions at once."), t("Wait a moment, then ask again."));
  return new Problem(t("Something went wrong on the service's side (error {status}).", { status }),
    t("Ask again in a moment; the Download links give the same answer as a file."));
}

function showProgress(controller) {
  const answer = document.getElementById("answer");
  answer.classList.add("is-loading");
  answer.setAttribute("aria-busy", "true");
  const box = document.createElement("div");
  box.className = "progress";
  box.setAttribute("role", "status");
  const bar = document.createElement("span");
  bar.className = "progress__bar";
  bar.setAttribute("aria-hidden", "true");
  const text = document.createElement("span");
  text.className = "progress__text";
  text.textContent = t("Asking the graph…");
  const stop = document.createElement("button");
  stop.type = "button";
  stop.className = "button button--quiet";
  stop.textContent = t("Stop");
  stop.addEventListener("click", () => controller.abort());
  box.append(bar, text, stop);
  const anchor = answer.querySelector("#params") || answer.querySelector("h1");
  if (anchor) anchor.after(box); else answer.prepend(box);
  const started = Date.now();
  // Only after a moment, so that quick answers do not flash a progress bar.
  box.hidden = true;
  const reveal = window.setTimeout(() => { box.hidden = false; }, 250);
  const tick = window.setInterval(() => {
    const seconds = Math.round((Date.now() - started) / 1000);
    text.textContent = Date.now() - started > SLOW_AFTER_MS
      ? t("Still working ({seconds} s). Large questions take longer; you can stop and choose a narrower setting.", { seconds })
      : t("Asking the graph… {seconds} s", { seconds });
  }, 1000);
  return {
    done() {
      window.clearTimeout(reveal);
      window.clearInterval(tick);
      box.remove();
      const current = document.getElementById("answer");
      current.classList.remove("is-loading");
      current.removeAttribute("aria-busy");
    },
  };
}

function showProblem(problem) {
  const answer = document.getElementById("answer");
  answer.querySelector(".notice--error")?.remove();
  const box = document.createElement("div");
  box.className = "notice notice--error";
  box.setAttribute("role", "alert");
  const title = document.createElement("p");
  const strong = document.createElement("strong");
  strong.textContent = problem.title;
  title.append(strong);
  const next = document.createElement("p");
  next.textContent = problem.next;
  box.append(title, next);
  const anchor = answer.querySelector("#params") || answer.querySelector("h1");
  if (anchor) anchor.after(box); else answer.prepend(box);
}

// Things only a script can offer on an answer: the view, printing, copying the permalink.
function enhanceAnswer() {
  enhanceTable(document.getElementById("results"));
  watchSettings(document.getElementById("params"));
  const view = document.getElementById("view");
  if (view && view.dataset.answer) {
    try {
      drawView(view, JSON.parse(view.dataset.answer));
    } catch (error) {
      view.hidden = true;
      console.error("could not draw the view", error);
    }
  }
  const print = document.getElementById("print");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", () => window.print());
  }
  const permalink = document.getElementById("permalink");
  if (permalink && !document.getElementById("copy-permalink")) {
    const copy = document.createElement("button");
    copy.type = "button";
    copy.id = "copy-permalink";
    copy.className = "button button--quiet";
    copy.textContent = t("Copy link");
    const said = document.createElement("span");
    said.className = "tools__copied";
    said.setAttribute("role", "status");
    copy.addEventListener("click", async () => {
      const url = new URL(permalink.getAttribute("href"), window.location.href).href;
      try {
        await navigator.clipboard.writeText(url);
        said.textContent = t("Link copied");
      } catch {
        said.textContent = url;
      }
    });
    permalink.after(" ", copy, " ", said);
  }
}
