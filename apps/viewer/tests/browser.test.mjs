// The viewer in a real headless Chromium (Debian's, driven by
// playwright-core) against a real haven-relay, with shares made by the real
// `haven` CLI: a page load counts nothing, the PIN opens it and shows the
// text, the key never leaves the page, no CSP violation, axe-core finds no
// serious accessibility violation, it prints on A4 and fits a phone; wrong
// PINs lock the share after 5; revoked, expired (signed and on the relay)
// and rolled-back shares say so; a clinician's reply reaches
// `haven share replies`; the offline crisis card opens from its QR link
// with the network off. Screenshots and PDFs go to OUT.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { OUT, World, axeSerious } from './harness.mjs';

const MARKER = 'QZXMARKviewercoping';
const world = new World();
/** @type {import('./harness.mjs').Person} */
let alex;

before(async () => {
  await world.start();
  alex = world.person();
  alex.edit('plan', (d) => {
    d.plan_details.owner = 'Alex Example';
    d.coping_strategies = [MARKER, 'Walk round the block'];
    d.help_contacts = [{ name: 'Sam', relationship: 'brother', phones: [{ label: 'mobile', number: '07700 900123' }], may_contact: true }];
  });
  alex.ok(['plan', 'sign', '--name', 'Alex Example', '--confirm-capacity']);
});

after(async () => {
  await world.stop();
});

/** @param {string} link */
const keyOf = (link) => link.split('#')[1].replace(/^p\./, '');

/** The page's heading. @param {import('playwright-core').Page} page */
const heading = (page) => page.locator('h1').textContent();

test('a link with a PIN: previews count nothing, the PIN opens it, the key never leaves the page', async () => {
  const s = alex.share(world.url, ['--plan', '--for', 'Sam, my brother'], '2468');
  // A link preview or mail scanner: plain GETs of the page and its files.
  for (let i = 0; i < 3; i++) {
    const r = await fetch(`${world.url}/s/${s.id}`);
    assert.equal(r.status, 200);
    assert.match(await r.text(), /<script type="module" src="\/viewer\/main.js" integrity="sha384-/);
  }
  const { context, page, requests, console } = await world.page();
  await page.goto(s.link);
  await page.getByRole('button', { name: 'Open what was shared' }).waitFor();
  assert.equal(new URL(page.url()).hash, '', 'the key is taken out of the address bar');
  assert.deepEqual(alex.events(s.id), [], 'loading the page (and previews) counted nothing');
  const before = await axeSerious(page);
  assert.deepEqual(before.serious, [], JSON.stringify(before.all));
  await page.screenshot({ path: join(OUT, 'pin-form.png'), fullPage: true });

  await page.getByLabel('PIN').fill('2468');
  await page.getByRole('button', { name: 'Open what was shared' }).click();
  await page.getByText(MARKER).waitFor();
  assert.equal(await heading(page), 'Crisis plan shared with Sam, my brother');
  const about = await page.locator('#about').innerText();
  assert.match(about, /Shared by\s+Alex Example/);
  assert.match(about, /Shared with\s+Sam, my brother/);
  assert.match(about, /Version\s+1, active/);
  assert.match(about, /Signed by the person on\s+\d+ [A-Z][a-z]+ 20\d\d/);
  assert.match(about, /This link works until/);
  assert.equal(await page.locator('#alert').isVisible(), false, 'an active version carries no warning');
  assert.ok(await page.getByRole('heading', { name: 'People I can ask for help', level: 2 }).isVisible());
  assert.equal(await page.getByRole('link', { name: '07700 900123' }).getAttribute('href'), 'tel:07700900123');
  assert.ok(await page.getByText('What you read, print or save stays with you').isVisible());
  assert.deepEqual(alex.events(s.id), ['opened']);
  await page.screenshot({ path: join(OUT, 'plan.png'), fullPage: true });

  const opened = await axeSerious(page);
  assert.deepEqual(opened.serious, [], JSON.stringify(opened.all));
  assert.ok(opened.passes > 20, 'axe ran its checks');

  // No request carries the key (or goes anywhere but the relay).
  const key = keyOf(s.link);
  assert.ok(requests.length >= 7, `requests: ${requests.map((r) => r.url)}`);
  for (const r of requests) {
    assert.ok(r.url.startsWith(world.url), `third-party request: ${r.url}`);
    assert.ok(!JSON.stringify(r).includes(key), `a request carries the key: ${r.method} ${r.url}`);
  }
  const openCall = requests.find((r) => r.url.endsWith(`/api/shares/${s.id}/open`));
  assert.equal(openCall?.method, 'POST');
  assert.match(openCall?.headers.authorization ?? '', /^Bearer [A-Za-z0-9_-]{43}$/);
  // @ts-ignore
  assert.deepEqual(await page.evaluate(() => window.__violations), [], 'no CSP violation');
  assert.deepEqual(console.filter((c) => /error|pageerror/.test(c)), []);

  // Print: the plan stays, the buttons and forms go; A4 PDF written.
  await page.emulateMedia({ media: 'print' });
  assert.ok(await page.getByText(MARKER).isVisible());
  assert.ok(!(await page.getByRole('button', { name: 'Print or save as PDF' }).isVisible()));
  await page.pdf({ path: join(OUT, 'plan-a4.pdf'), format: 'A4' });
  await context.close();
});

test('on a phone the page fits the screen without sideways scrolling', async () => {
  const s = alex.share(world.url, ['--plan', '--for', 'Sam']);
  const { context, page } = await world.page({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  await page.goto(s.link);
  await page.getByRole('button', { name: 'Open what was shared' }).click();
  await page.getByText(MARKER).waitFor();
  const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  assert.ok(fits, 'no horizontal scroll');
  await page.screenshot({ path: join(OUT, 'phone.png'), fullPage: true });
  await context.close();
});

test('five wrong PINs lock the share, and the right one then no longer opens it', async () => {
  const s = alex.share(world.url, ['--plan', '--for', 'Sam'], '13579');
  const { context, page } = await world.page();
  await page.goto(s.link);
  for (let i = 1; i <= 4; i++) {
    await page.getByLabel('PIN').fill(`0000${i}`);
    await page.getByRole('button', { name: 'Open what was shared' }).click();
    await page.getByRole('heading', { name: 'That PIN did not open the share' }).waitFor();
    assert.equal(alex.events(s.id).filter((e) => e === 'wrong_pin').length, i);
  }
  await page.getByLabel('PIN').fill('99999');
  await page.getByRole('button', { name: 'Open what was shared' }).click();
  await page.getByRole('heading', { name: 'This share is locked', level: 1 }).waitFor();
  await page.screenshot({ path: join(OUT, 'locked.png'), fullPage: true });
  // The right PIN, in a fresh page: still locked.
  await page.goto(s.link);
  await page.getByLabel('PIN').fill('13579');
  await page.getByRole('button', { name: 'Open what was shared' }).click();
  await page.getByRole('heading', { name: 'This share is locked', level: 1 }).waitFor();
  const events = alex.events(s.id);
  assert.equal(events.filter((e) => e === 'wrong_pin').length, 5);
  assert.ok(events.includes('locked'));
  assert.ok(!events.includes('opened'));
  await context.close();
});

test('a revoked share says so, from the person\'s signed revocation', async () => {
  const s = alex.share(world.url, ['--plan', '--for', 'Sam']);
  alex.ok(['share', 'revoke', s.id]);
  const { context, page } = await world.page();
  await page.goto(s.link);
  await page.getByRole('button', { name: 'Open what was shared' }).click();
  await page.getByRole('heading', { name: 'This share was revoked', level: 1 }).waitFor();
  assert.equal(await page.getByText(MARKER).count(), 0);
  await page.screenshot({ path: join(OUT, 'revoked.png'), fullPage: true });
  await context.close();
});

test('an expired share says so: by its signed expiry, and when the relay has expired it', async () => {
  const s = alex.share(world.url, ['--plan', '--for', 'Sam', '--expires', '1d']);
  // The reader's clock is past the signed expiry (the relay still serves it).
  const a = await world.page();
  await a.page.clock.install({ time: new Date(Date.now() + 2 * 24 * 3600 * 1000) });
  await a.page.goto(s.link);
  await a.page.getByRole('button', { name: 'Open what was shared' }).click();
  await a.page.getByRole('heading', { name: 'This share has expired', level: 1 }).waitFor();
  assert.equal(await a.page.getByText(MARKER).count(), 0);
  await a.context.close();
  // The relay's own expiry (410).
  world.expireOnRelay(s.id);
  const b = await world.page();
  await b.page.goto(s.link);
  await b.page.getByRole('button', { name: 'Open what was shared' }).click();
  await b.page.getByRole('heading', { name: 'This share has expired', level: 1 }).waitFor();
  await b.page.screenshot({ path: join(OUT, 'expired.png'), fullPage: true });
  assert.ok(alex.events(s.id).includes('expired'));
  await b.context.close();
});

test('a relay that serves an older version than this browser saw is caught', async () => {
  const s = alex.share(world.url, ['--plan', '--for', 'Sam']);
  const { context, page } = await world.page();
  await page.goto(s.link);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/open')),
    page.getByRole('button', { name: 'Open what was shared' }).click(),
  ]);
  const first = await response.body();
  await page.getByText(MARKER).waitFor();
  assert.equal(JSON.parse(first.toString()).seq, 1, 'captured version 1');
  // A new version: the same browser sees it and remembers it.
  alex.ok(['share', 'publish', s.id]);
  await page.goto(s.link);
  await page.getByRole('button', { name: 'Open what was shared' }).click();
  await page.getByText(MARKER).waitFor();
  assert.match(await page.locator('#status').innerText(), /newer version than you saw last time \(version 2/);
  // Now the relay (here: a stand-in on the route) replays version 1.
  await page.route('**/api/shares/*/open', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: first }));
  await page.goto(s.link);
  await page.getByRole('button', { name: 'Open what was shared' }).click();
  await page.getByRole('heading', { name: 'Warning: this is an older version than you saw before', level: 1 }).waitFor();
  assert.equal(await page.getByText(MARKER).count(), 0, 'the old version is not shown');
  await page.screenshot({ path: join(OUT, 'rollback.png'), fullPage: true });
  await context.close();
});

test('a clinician\'s reply, sealed in the browser, waits in the person\'s Haven', async () => {
  const jo = world.person();
  jo.edit('statement', (d) => {
    d.maker_details.full_name = 'Jo Example';
    d.values_and_wishes.wishes = 'QZXMARKwish: a ward with a garden';
  });
  const s = jo.share(world.url, ['--statement', '--sections', 'values_and_wishes,treatment_requests', '--for', 'Dr Patel']);
  const { context, page, requests } = await world.page();
  await page.goto(s.link);
  await page.getByRole('button', { name: 'Open what was shared' }).click();
  await page.getByText('QZXMARKwish: a ward with a garden').waitFor();
  assert.equal(await heading(page), 'Advance statement shared with Dr Patel');
  const form = page.locator('#reply-form');
  await page.getByLabel('Your name').fill('Dr R. Patel');
  await page.getByLabel('Your role').fill('Consultant psychiatrist');
  const values = form.locator('fieldset[data-section="values_and_wishes"]');
  assert.equal(await values.getAttribute('aria-describedby'), null);
  assert.ok(await form.getByRole('group', { name: await values.locator('legend').innerText() }).isVisible(), 'each section is a named group');
  await values.getByLabel('Cannot follow (give the reason)').check();
  await form.locator('fieldset[data-section="treatment_requests"]').getByLabel('Noted').check();
  await page.getByRole('button', { name: 'Send my reply' }).click();
  // No reason given for "cannot follow": nothing is sent, focus goes to the reason.
  await page.getByText('Please give the reason you cannot follow').waitFor();
  assert.equal(requests.filter((r) => r.url.endsWith('/replies')).length, 0);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'r-values_and_wishes-reason');
  await values.getByLabel(/Reason/).fill('QZXMARKreason: no ward with a garden nearby');
  const axe = await axeSerious(page);
  assert.deepEqual(axe.serious, [], JSON.stringify(axe.all));
  await page.getByRole('button', { name: 'Send my reply' }).click();
  await page.getByText('Your reply was sent, encrypted to the person').waitFor();
  await page.screenshot({ path: join(OUT, 'reply-sent.png'), fullPage: true });
  const posted = requests.filter((r) => r.url.endsWith('/replies'));
  assert.equal(posted.length, 1);
  assert.ok(!posted[0].body?.includes('QZXMARK'), 'the relay gets the reply sealed');
  assert.ok(!posted[0].body?.includes('Patel'), 'the relay gets the reply sealed');

  const waiting = jo.json(['share', 'replies', '--json']);
  assert.equal(waiting.length, 1);
  const r = waiting[0].reply;
  assert.equal(waiting[0].share, s.id);
  assert.equal(r.name, 'Dr R. Patel');
  assert.equal(r.role, 'Consultant psychiatrist');
  assert.deepEqual(r.sections.map((/** @type {any} */ x) => [x.section, x.response, x.reason]), [
    ['values_and_wishes', 'cannot_follow', 'QZXMARKreason: no ward with a garden nearby'],
    ['treatment_requests', 'noted', ''],
  ]);
  await context.close();
});

test('a carer enrols this browser (both screens show one check code) and follows the share until revoked', async () => {
  const s = alex.share(world.url, ['--plan', '--for', 'Sam']);
  const { context, page } = await world.page();
  await page.goto(s.link);
  await page.getByRole('button', { name: 'Open what was shared' }).click();
  await page.getByText(MARKER).waitFor();
  await page.getByRole('button', { name: 'Make a key for this browser' }).click();
  const key = (await page.locator('#carer-key').textContent() ?? '').trim();
  const code = (await page.locator('#carer-code').textContent() ?? '').trim();
  assert.match(key, /^[A-Za-z0-9_-]{43}$/);
  assert.match(code, /^\d{4} \d{4} \d{4} \d{4}$/);
  const axe = await axeSerious(page);
  assert.deepEqual(axe.serious, [], JSON.stringify(axe.all));
  await page.screenshot({ path: join(OUT, 'carer-enrol.png'), fullPage: true });

  // The person enrols the key; their screen shows the same code.
  const file = join(world.dir, 'welcome.txt');
  const said = alex.ok(['share', 'carer-invite', s.id, '--name', 'Sam', '--key', key, '--out', file]);
  assert.equal(said.match(/Check code: (.+)/)?.[1], code);
  const welcome = readFileSync(file, 'utf8').trim();

  // A damaged welcome is refused; the real one enrols this browser.
  const at = 60;
  const damaged = welcome.slice(0, at) + (welcome[at] === 'A' ? 'B' : 'A') + welcome.slice(at + 1);
  await page.getByLabel('Paste the welcome they send back').fill(damaged);
  await page.getByRole('button', { name: 'Finish enrolling this browser' }).click();
  await page.getByRole('heading', { name: 'This welcome did not work' }).waitFor();
  await page.getByLabel('Paste the welcome they send back').fill(welcome);
  await page.getByRole('button', { name: 'Finish enrolling this browser' }).click();
  await page.getByText('This browser follows this share as a carer').waitFor();

  // A newer version, opened later with no link key at all.
  alex.ok(['share', 'publish', s.id]);
  await page.goto('about:blank');
  await page.goto(`${world.url}/s/${s.id}`);
  await page.getByRole('button', { name: 'Open as the carer enrolled in this browser' }).click();
  await page.getByText(MARKER).waitFor();
  assert.match(await page.locator('#status').innerText(), /version 3 of this share/);
  assert.ok(await page.getByText('This browser follows this share as a carer').isVisible());

  // Revoked as a carer: later versions are not for this browser.
  alex.ok(['share', 'carer-revoke', s.id, '--key', key]);
  await page.goto('about:blank');
  await page.goto(`${world.url}/s/${s.id}`);
  await page.getByRole('button', { name: 'Open as the carer enrolled in this browser' }).click();
  await page.getByRole('heading', { name: 'This share is no longer shared with you', level: 1 }).waitFor();
  assert.equal(await page.getByText(MARKER).count(), 0);
  await page.screenshot({ path: join(OUT, 'carer-revoked.png'), fullPage: true });
  await context.close();
});

test('the offline crisis card opens from its QR link with no network, and says it cannot be revoked', async () => {
  const svg = join(world.dir, 'card.svg');
  const card = alex.json(['plan', 'card-qr', '--out', svg, '--viewer', world.url, '--json']);
  assert.ok(card.text.startsWith('HAVEN-CARD1:'));
  assert.equal(card.url, `${world.url}/card#${card.text}`);
  assert.match(readFileSync(svg, 'utf8'), /<svg/);

  // As a phone's camera would: the link, in a fresh browser.
  const first = await world.page();
  await first.page.goto(card.url);
  await first.page.getByRole('heading', { name: 'Alex Example’s crisis card', level: 2 }).waitFor();
  assert.equal(new URL(first.page.url()).hash, '', 'the card is taken out of the address bar');
  for (const r of first.requests) {
    assert.ok(r.url.startsWith(world.url), `third-party request: ${r.url}`);
    assert.ok(!JSON.stringify(r).includes('HAVEN-CARD1') && !r.url.includes('#'), `a request carries the card: ${r.url}`);
    assert.equal(r.method, 'GET');
  }
  assert.ok(!first.requests.some((r) => r.url.includes('/api/')), 'opening a card asks the relay nothing');
  await first.context.close();

  // With no network at all once the page is there: nothing is requested,
  // the card opens from the fragment, then from pasted text.
  const { context, page, requests } = await world.page();
  // The page's own errors; Chromium's own favicon fetch (not the page's,
  // and carrying nothing) fails offline and is left out.
  /** @type {string[]} */
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${world.url}/card`);
  await page.getByRole('button', { name: 'Open the card' }).waitFor();
  await context.setOffline(true);
  const loaded = requests.length;
  await page.goto(card.url);
  await page.getByRole('heading', { name: 'Alex Example’s crisis card', level: 2 }).waitFor();
  assert.equal(requests.length, loaded, `requests while offline: ${requests.slice(loaded).map((r) => r.url)}`);
  assert.ok(await page.getByText('This card cannot be revoked').isVisible());
  assert.ok(await page.getByRole('heading', { name: 'People to call', level: 3 }).isVisible());
  assert.equal(await page.getByRole('link', { name: '07700 900123' }).getAttribute('href'), 'tel:07700900123');
  assert.match(await page.locator('#status').innerText(), /signature is good/);
  const axe = await axeSerious(page);
  assert.deepEqual(axe.serious, [], JSON.stringify(axe.all));
  await page.screenshot({ path: join(OUT, 'crisis-card.png'), fullPage: true });

  // A card changed after signing is refused, still offline.
  const page2 = await context.newPage();
  await context.setOffline(false);
  await page2.goto(`${world.url}/card`);
  await page2.getByRole('button', { name: 'Open the card' }).waitFor();
  await context.setOffline(true);
  const body = card.text.slice('HAVEN-CARD1:'.length);
  const flipped = `HAVEN-CARD1:${body.slice(0, 200)}${body[200] === 'A' ? 'B' : 'A'}${body.slice(201)}`;
  await page2.getByLabel("The card's text").fill(flipped);
  await page2.getByRole('button', { name: 'Open the card' }).click();
  await page2.getByText('This card has been changed since it was signed').waitFor();
  assert.equal(await page2.locator('#card').isVisible(), false);
  await page2.getByLabel("The card's text").fill(card.text);
  await page2.getByRole('button', { name: 'Open the card' }).click();
  await page2.getByRole('heading', { name: 'Alex Example’s crisis card', level: 2 }).waitFor();
  // @ts-ignore
  assert.deepEqual(await page.evaluate(() => window.__violations), [], 'no CSP violation');
  assert.deepEqual(errors, []);
  await context.close();
});
