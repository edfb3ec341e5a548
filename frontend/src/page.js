// The query page's script: enhances the server-rendered page, which works without it.
import "./page.css";
import { setupAnswers } from "./answer.js";
import { setupExplore } from "./explore.js";
import { setupSearch } from "./search.js";

function start() {
  setupSearch();
  setupAnswers();
  setupExplore();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
