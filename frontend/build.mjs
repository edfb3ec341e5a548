// Builds the page's assets into api/aichr_kg_api/static/dist/ (git-ignored; `make test` and `make run` build it):
//   page.js / page.css      the query page, search suggestions and entity-page views (our own code)
//   editor.js / editor.css  the SPARQL editor: YASGUI from the lock file plus our glue
// No CDN, nothing fetched at run time: the service serves these files itself.
import { build } from "esbuild";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { feature } from "topojson-client";
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
// The map's country shapes: the 11 ASEAN member states out of Natural Earth's 1:50m countries (world-atlas,
// through the lock file), as GeoJSON the page's script projects with d3-geo. No tile server, nothing fetched
// from elsewhere: the file is served with the page's assets.
// coordinates to 0.02° (about 2 km): plenty for a map a few hundred pixels wide, and a quarter of the bytes
const rounded = (g) => ({ ...g, coordinates: JSON.parse(JSON.stringify(g.coordinates, (k, v) =>
  typeof v === "number" ? Math.round(v * 50) / 50 : v)) });
const ASEAN = { "096": "brn", "116": "khm", "360": "idn", "418": "lao", "458": "mys", "104": "mmr", "608": "phl",
  "702": "sgp", "764": "tha", "626": "tls", "704": "vnm" };
const atlas = JSON.parse(await readFile(join(here, "node_modules", "world-atlas", "countries-50m.json"), "utf8"));
const countries = feature(atlas, atlas.objects.countries).features
  .filter((f) => ASEAN[f.id])
  .map((f) => ({ type: "Feature", id: ASEAN[f.id], properties: {}, geometry: rounded(f.geometry) }));
await writeFile(join(out, "asean-countries.json"), JSON.stringify({ type: "FeatureCollection", features: countries }));
console.log(`built ${out}`);
