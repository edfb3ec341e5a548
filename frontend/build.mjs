// Builds the page's assets into api/aichr_kg_api/static/dist/ (git-ignored; `make test` and `make run` build it):
//   page.js / page.css      the query page, search suggestions and entity-page views (our own code)
//   editor.js / editor.css  the SPARQL editor: YASGUI from the lock file plus our glue
// No CDN, nothing fetched at run time: the service serves these files itself.
import { build } from "esbuild";
import { mkdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "api", "aichr_kg_api", "static", "dist");

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await build({
  // each entry imports its own CSS, which esbuild writes beside it (page.css, editor.css)
  entryPoints: { page: join(here, "src", "page.js"), editor: join(here, "src", "editor.js") },
  outdir: out,
  bundle: true,
  minify: true,
  sourcemap: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "linked",
  logLevel: "warning",
  loader: { ".svg": "dataurl", ".woff": "file", ".woff2": "file", ".ttf": "file" },
});
console.log(`built ${out}`);
