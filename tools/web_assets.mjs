// The web UI's static assets: copies the files it serves out of node_modules (and the package's
// own src/onramp/web/assets/) into src/onramp/web/static/ under content-hashed names, and writes
// static/manifest.json mapping each logical name to its hashed file. Run by `make install` (the
// node stamp), so a clean clone has them; the copies are generated, never committed. No CDN:
// the app serves these files itself (onramp.web, /static/..., cached for a year: the name
// changes whenever the content does).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const web = join(root, "src", "onramp", "web");
const out = join(web, "static");

// logical name (what templates ask for) -> source file
const ASSETS = {
  "bootstrap.css": "node_modules/bootstrap/dist/css/bootstrap.min.css",
  "bootstrap.js": "node_modules/bootstrap/dist/js/bootstrap.bundle.min.js",
  "htmx.js": "node_modules/htmx.org/dist/htmx.min.js",
  // The reports' charts (the back office's reports page only; web/assets/report_chart.js).
  "chart.js": "node_modules/chart.js/dist/chart.umd.min.js",
  // Injected by the browser tests only (accessibility checks); never linked from a page.
  "axe.js": "node_modules/axe-core/axe.min.js",
};
const own = join(web, "assets");
for (const name of existsSync(own) ? readdirSync(own) : []) {
  ASSETS[name] = join("src", "onramp", "web", "assets", name);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const manifest = {};
for (const [name, source] of Object.entries(ASSETS).sort()) {
  const content = readFileSync(join(root, source));
  const digest = createHash("sha256").update(content).digest("hex").slice(0, 16);
  const ext = extname(name);
  const hashed = `${basename(name, ext)}.${digest}${ext}`;
  writeFileSync(join(out, hashed), content);
  manifest[name] = hashed;
}
writeFileSync(join(out, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(`web assets: ${Object.keys(manifest).length} files in ${out}`);
