// Keeps the Subresource Integrity hashes in index.html and card.html true:
// each stylesheet and module a page loads is pinned by its SHA-384, so a
// changed file on the server (or in a cache between) is refused by the
// browser instead of run with the key in reach. `node integrity.mjs`
// rewrites them after an edit; `--check` fails when any is stale (the
// viewer's test suite runs it); `--print` lists SHA-256 of every file the
// relay serves, for publishing beside a release.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (/** @type {string} */ p) => fileURLToPath(new URL(p, import.meta.url));
/** Where a served path lives in this folder. @param {string} href */
const source = (href) => {
  const name = href.replace(/^\/viewer\//, '');
  return here(name.endsWith('.js') ? `js/${name}` : name);
};

/** The pages, by file, and where they are served. */
const PAGES = [['index.html', '/s/<id>'], ['card.html', '/card']];

/** A page with each pinned file's hash recomputed. @param {string} page */
const pinned = (page) => page.replace(/(href|src)="(\/viewer\/[a-z-]+\.(?:js|css))" integrity="sha384-[^"]*"/g, (_m, attr, href) => {
  const digest = createHash('sha384').update(readFileSync(source(href))).digest('base64');
  return `${attr}="${href}" integrity="sha384-${digest}"`;
});

const mode = process.argv[2] ?? '--write';
let stale = false;
const printed = new Set();
for (const [file, served] of PAGES) {
  const page = readFileSync(here(file), 'utf8');
  const fresh = pinned(page);
  if (mode === '--check') {
    if (fresh !== page) {
      console.error(`apps/viewer/${file}: integrity hashes are stale; run \`node apps/viewer/integrity.mjs\``);
      stale = true;
    }
  } else if (mode === '--print') {
    for (const href of ['/viewer/style.css', ...[...page.matchAll(/\/viewer\/[a-z-]+\.js/g)].map((m) => m[0])]) {
      if (printed.has(href)) continue;
      printed.add(href);
      console.log(`${createHash('sha256').update(readFileSync(source(href))).digest('hex')}  ${href}`);
    }
    console.log(`${createHash('sha256').update(page).digest('hex')}  ${served} (${file})`);
  } else {
    writeFileSync(here(file), fresh);
    console.log(fresh === page ? `${file}: integrity hashes already up to date` : `${file}: integrity hashes updated`);
  }
}
if (mode === '--check') {
  if (stale) process.exit(1);
  console.log('integrity hashes in index.html and card.html match the files');
}
