// @ts-check
// The crisis card page (`/card`). The card travels in the address's
// fragment (`/card#HAVEN-CARD1:...`, what `haven plan card-qr --viewer URL`
// puts in the QR code), which browsers never send to a server, or is
// pasted; the page removes it from the address bar at once, checks the
// signature and shows the card. It makes no request of its own (its CSP
// has `connect-src 'none'`), so once the page is loaded (or saved) the card
// opens with no network. A card cannot be revoked; the page says so.

import { ShareError } from './crypto.js';
import { openCard } from './card.js';
import { el, when } from './render.js';

/** @typedef {import('./card.js').Card} Card */
/** @typedef {import('./card.js').CardPerson} CardPerson */

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

const PROBLEMS = /** @type {Record<string, string>} */ ({
  malformed: 'This is not a Haven crisis card. Check that the whole text was copied, starting with HAVEN-CARD1:.',
  too_large: 'This is too long to be a Haven crisis card.',
  tampered: 'This card has been changed since it was signed, or damaged. Do not rely on it.',
  unsupported_version: 'This card was made by a newer version of Haven than this page reads.',
});

/** @param {string} title @param {string} text */
function problem(title, text) {
  const box = $('alert');
  box.className = 'notice warn';
  box.replaceChildren(el('h2', {}, [title]), el('p', {}, [text]));
  box.hidden = false;
  box.focus();
}

/** A list section, or nothing when empty. @param {string} title @param {(Node | string)[][]} items */
function listSection(title, items) {
  if (items.length === 0) return [];
  return [el('section', {}, [el('h3', {}, [title]), el('ul', {}, items.map((i) => el('li', {}, i)))])];
}

/** @param {CardPerson} p */
function person(p) {
  /** @type {(Node | string)[]} */
  const parts = [p.relationship ? `${p.name} (${p.relationship})` : p.name];
  for (const n of p.phones) {
    parts.push(' ', el('a', { href: `tel:${n.replace(/[^0-9+]/g, '')}` }, [n]));
  }
  return parts;
}

/** @param {Card} c */
function show(c) {
  $('card-owner').textContent = c.owner ? `${c.owner}’s crisis card` : 'Crisis card';
  $('card-notice').textContent = c.notice;
  $('card-about').replaceChildren(
    el('dt', {}, ['Signed']), el('dd', {}, [when(c.signed_at)]),
    el('dt', {}, ['Signed by']), el('dd', {}, [el('code', {}, [c.signer])]),
  );
  $('card-sections').replaceChildren(
    ...listSection('People to call', c.call.map(person)),
    ...listSection('Crisis lines', c.lines.map((l) => [
      `${l.name}: `, el('a', { href: `tel:${l.number.replace(/[^0-9+]/g, '')}` }, [l.number]), l.hours ? ` (${l.hours})` : '',
    ])),
    ...listSection('What helps', c.helps.map((h) => [h])),
    ...(c.approach ? [el('section', {}, [el('h3', {}, ['How to approach me']), el('p', {}, [c.approach])])] : []),
    ...listSection('Please do not involve', c.do_not_involve.map((p) => [p.relationship ? `${p.name} (${p.relationship})` : p.name])),
  );
  $('intro').hidden = true;
  $('alert').hidden = true;
  $('card').hidden = false;
  $('status').textContent = 'The card’s signature is good.';
  $('card-owner').setAttribute('tabindex', '-1');
  $('card-owner').focus();
}

/** @param {string} text */
async function open(text) {
  try {
    show(await openCard(text));
  } catch (e) {
    const kind = e instanceof ShareError ? e.kind : 'malformed';
    problem('This card cannot be opened', PROBLEMS[kind] ?? PROBLEMS.malformed);
  }
}

function start() {
  $('card-form').hidden = false;
  $('card-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    void open(/** @type {HTMLTextAreaElement} */ ($('card-text')).value);
  });
  $('card-print').addEventListener('click', () => window.print());
  fromFragment();
  // A card link followed while the page is open changes only the fragment:
  // no request at all.
  window.addEventListener('hashchange', fromFragment);
}

/** Opens the card in the address's fragment, removing it from the address bar. */
function fromFragment() {
  let fragment = '';
  try {
    fragment = decodeURIComponent(location.hash.slice(1));
  } catch {
    fragment = location.hash.slice(1);
  }
  if (fragment) {
    history.replaceState(null, '', location.pathname);
    void open(fragment);
  }
}

start();
