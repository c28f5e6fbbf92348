// @ts-check
// Turns what was shared into a readable page: who it is for, when it was
// signed and until when it can be opened, where the version stands, then
// each section under its own heading. Only DOM nodes and text are made
// (never HTML from strings), so nothing a person wrote can become markup;
// the page's CSP also requires Trusted Types, so an innerHTML would fail.

/** @typedef {import('./capsule.js').Signed} Signed */

/**
 * Makes an element with text or children.
 * @param {string} tag @param {Record<string, string>} [attrs] @param {(Node | string)[]} [children]
 */
export function el(tag, attrs = {}, children = []) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

const KINDS = /** @type {Record<string, string>} */ ({
  crisis_plan: 'Crisis plan',
  advance_statement: 'Advance statement',
});
const STATUS = /** @type {Record<string, string>} */ ({
  active: 'active (the version in force)',
  superseded: 'superseded by a newer version',
  revoked: 'revoked by the person',
  draft: 'a draft, not yet signed',
});

/** The label of a document kind. @param {string} kind */
export function kindLabel(kind) {
  return KINDS[kind] ?? 'Shared document';
}

/** A date and time in words, in the reader's time zone. @param {string} iso */
export function when(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short',
  }).format(d);
}

/** A calendar date (YYYY-MM-DD) in words. @param {string} day */
export function day(day) {
  const d = new Date(`${day}T12:00:00Z`);
  if (Number.isNaN(d.getTime())) return day;
  return new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(d);
}

/** `help_contacts` → "Help contacts". @param {string} key */
function words(key) {
  const s = key.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** @param {unknown} v @returns {boolean} */
function isEmpty(v) {
  if (v === null || v === undefined || v === '') return true;
  if (Array.isArray(v)) return v.every(isEmpty);
  if (typeof v === 'object') return Object.entries(/** @type {object} */ (v)).every(([k, x]) => k === 'id' || isEmpty(x));
  return false;
}

/** A phone number worth a tap. @param {string} key @param {string} text */
function phoneLink(key, text) {
  if (!/phone|number|tel/i.test(key) || !/^\+?[0-9][0-9 ()-]{2,}$/.test(text.trim())) return null;
  return el('a', { href: `tel:${text.replace(/[^+0-9]/g, '')}` }, [text]);
}

/**
 * One value of a section, as the document stores it: text, lists and
 * named fields (the same reading as the CLI's `haven share open`).
 * @param {unknown} v @param {string} key
 * @returns {Node | null}
 */
export function value(v, key = '') {
  if (isEmpty(v)) return null;
  if (typeof v === 'boolean') return document.createTextNode(v ? 'Yes' : 'No');
  if (typeof v === 'number') return document.createTextNode(String(v));
  if (typeof v === 'string') {
    // Choices the document stores as keys (`no_preference`) read as words.
    const text = /^[a-z]+(_[a-z]+)+$/.test(v) ? words(v) : v;
    return phoneLink(key, v) ?? el('span', { class: 'text' }, [text]);
  }
  if (Array.isArray(v)) {
    const items = v.map((x) => value(x, key)).filter((x) => x !== null);
    return el('ul', {}, items.map((x) => el('li', {}, [/** @type {Node} */ (x)])));
  }
  const dl = el('dl', { class: 'fields' });
  for (const [k, x] of Object.entries(/** @type {object} */ (v))) {
    if (k === 'id') continue;
    const shown = value(x, k);
    if (!shown) continue;
    dl.append(el('div', {}, [el('dt', {}, [words(k)]), el('dd', {}, [shown])]));
  }
  return dl;
}

/**
 * Who shared it, as far as the shared sections say (the capsule itself
 * names only the person's signing key).
 * @param {Signed} c
 */
export function sharedBy(c) {
  for (const s of c.document?.sections ?? []) {
    const x = /** @type {Record<string, unknown>} */ (s.content ?? {});
    for (const k of ['preferred_name', 'full_name', 'owner']) {
      if (typeof x[k] === 'string' && x[k].trim()) return /** @type {string} */ (x[k]).trim();
    }
  }
  return null;
}

/** A short, stable fingerprint of the person's signing key. @param {string} signer */
export function fingerprint(signer) {
  return (signer.slice(0, 16).match(/.{4}/g) ?? []).join(' ');
}

/**
 * Fills the page's "about" list and sections with an opened capsule.
 * @param {Signed} c @param {HTMLElement} about @param {HTMLElement} sections
 */
export function renderShared(c, about, sections) {
  const d = c.document;
  about.replaceChildren();
  sections.replaceChildren();
  if (!d) return;
  const who = sharedBy(c);
  /** @type {[string, string][]} */
  const facts = [
    ['Shared by', who ? `${who} (signing key ${fingerprint(c.signer)})` : `the person who sent you this link (signing key ${fingerprint(c.signer)})`],
    ['Shared with', c.recipient],
    ['Shared on', when(c.signed_at)],
    ['Version', `${d.number}, ${STATUS[d.status] ?? d.status}`],
  ];
  if (d.signed_on) facts.push(['Signed by the person on', day(d.signed_on)]);
  if (d.next_review) facts.push(['Next review', day(d.next_review)]);
  facts.push(['This link works until', when(c.expires_at)]);
  for (const [k, v] of facts) about.append(el('div', {}, [el('dt', {}, [k]), el('dd', {}, [v])]));
  for (const s of d.sections) {
    const id = `s-${s.key.replace(/[^a-z_]/g, '')}`;
    const body = value(s.content, s.key) ?? el('p', { class: 'empty' }, ['Nothing written in this section.']);
    sections.append(el('section', { class: 'part', 'aria-labelledby': id }, [el('h2', { id }, [s.label]), body]));
  }
}
