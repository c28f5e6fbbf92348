// @ts-check
// The clinician's reply form: one answer per shared section of an advance
// statement (agreed, noted, cannot follow with the reason), their name and
// role. The reply is sealed in this browser to the person's reply key
// (HPKE, capsule.js) and posted to the relay, which cannot read it; it
// waits in the person's Haven until they accept or decline it.

import { el } from './render.js';
import { replyProblem, sealReply } from './capsule.js';

/** @typedef {import('./capsule.js').Signed} Signed */
/** @typedef {import('./capsule.js').Reply} Reply */

const CHOICES = [
  ['agreed', 'Agreed: these wishes will be followed'],
  ['noted', 'Noted'],
  ['cannot_follow', 'Cannot follow (give the reason)'],
];

/** The fieldsets, one per section. @param {Signed} c @param {HTMLElement} into */
export function buildReplySections(c, into) {
  into.replaceChildren();
  for (const s of c.document?.sections ?? []) {
    const radios = CHOICES.map(([v, label]) => {
      const id = `r-${s.key}-${v}`;
      return el('div', { class: 'choice' }, [
        el('input', { type: 'radio', id, name: `resp-${s.key}`, value: v }),
        el('label', { for: id }, [label]),
      ]);
    });
    const reasonId = `r-${s.key}-reason`;
    into.append(el('fieldset', { class: 'reply-section', 'data-section': s.key }, [
      el('legend', {}, [s.label]),
      ...radios,
      el('div', { class: 'field' }, [
        el('label', { for: reasonId }, ['Reason ', el('span', { class: 'hint' }, ['(needed when a wish cannot be followed)'])]),
        el('textarea', { id: reasonId, name: `reason-${s.key}`, rows: '2' }),
      ]),
    ]));
  }
}

/**
 * Reads the form into a reply. Sections left unanswered are left out.
 * @param {HTMLFormElement} form @param {Signed} c @param {Date} now
 * @returns {Reply}
 */
export function readReply(form, c, now) {
  const data = new FormData(form);
  const text = (/** @type {string} */ k) => String(data.get(k) ?? '').trim();
  /** @type {Reply['sections']} */
  const sections = [];
  for (const s of c.document?.sections ?? []) {
    const r = data.get(`resp-${s.key}`);
    if (r === 'agreed' || r === 'noted' || r === 'cannot_follow') {
      sections.push({ section: s.key, response: r, reason: text(`reason-${s.key}`) });
    }
  }
  return {
    v: 1,
    version: c.document?.version ?? '',
    name: text('name'),
    role: text('role'),
    organisation: text('organisation'),
    date: now.toISOString().slice(0, 10),
    sections,
    notes: text('notes'),
  };
}

/** What to tell the clinician about a problem with their reply. @param {string} problem @param {Signed} c */
export function problemText(problem, c) {
  if (problem === 'name') return 'Please give your name.';
  if (problem === 'role') return 'Please give your role.';
  if (problem === 'sections') return 'Please answer at least one section.';
  const key = problem.replace(/^reason:/, '');
  const label = c.document?.sections.find((s) => s.key === key)?.label ?? key;
  return `Please give the reason you cannot follow “${label}”.`;
}

/** The field to move focus to for a problem. @param {string} problem */
export function problemField(problem) {
  if (problem === 'name') return 'r-name';
  if (problem === 'role') return 'r-role';
  if (problem.startsWith('reason:')) return `r-${problem.slice(7)}-reason`;
  return null;
}

/**
 * Seals and sends a reply. Resolves to the relay's HTTP status (201 when
 * it holds the reply) or throws a ShareError for an invalid reply.
 * @param {Reply} reply @param {Signed} c
 */
export async function sendReply(reply, c) {
  const problem = replyProblem(reply);
  if (problem) return { problem };
  if (!c.reply_to) return { status: 0 };
  const body = await sealReply(reply, c.share, c.reply_to);
  const r = await fetch(`/api/shares/${encodeURIComponent(c.share)}/replies`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body, credentials: 'omit', cache: 'no-store',
  });
  return { status: r.status };
}
