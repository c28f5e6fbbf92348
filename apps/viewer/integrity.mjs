// Keeps the Subresource Integrity hashes in index.html true: each
// stylesheet and module the page loads is pinned by its SHA-384, so a
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

const page = readFileSync(here('index.html'), 'utf8');
const fresh = page.replace(/(href|src)="(\/viewer\/[a-z]+\.(?:js|css))" integrity="sha384-[^"]*"/g, (_m, attr, href) => {
  const digest = createHash('sha384').update(readFileSync(source(href))).digest('base64');
  return `${attr}="${href}" integrity="sha384-${digest}"`;
});

const mode = process.argv[2] ?? '--write';
if (mode === '--check') {
  if (fresh !== page) {
    console.error('apps/viewer/index.html: integrity hashes are stale; run `node apps/viewer/integrity.mjs`');
    process.exit(1);
  }
  console.log('integrity hashes in index.html match the files');
} else if (mode === '--print') {
  for (const href of ['/viewer/style.css', ...[...page.matchAll(/\/viewer\/[a-z]+\.js/g)].map((m) => m[0])]) {
    console.log(`${createHash('sha256').update(readFileSync(source(href))).digest('hex')}  ${href}`);
  }
  console.log(`${createHash('sha256').update(page).digest('hex')}  /s/<id> (index.html)`);
} else {
  writeFileSync(here('index.html'), fresh);
  console.log(fresh === page ? 'integrity hashes already up to date' : 'integrity hashes updated');
}
