// @ts-check
// The viewer's page flow. It reads the key from the address's fragment
// (which browsers never send to a server) and removes it from the address
// bar at once; it asks the relay for the capsule only when the reader
// presses "Open" (a link preview or a mail scanner that loads the page
// uses up nothing, and the relay counts only requests carrying the access
// token that only the fragment and PIN make); it checks the capsule
// against what this browser saw of the share before, and says plainly
// what happened: shown, wrong PIN, locked, expired, revoked, rolled back.

import { ShareError, b64, unb64 } from './crypto.js';
import { isPin, isShareId, linkSecrets, openCapsule, parseFragment, PIN_TRIES } from './capsule.js';
import { beginEnrolment, finishEnrolment, loadCarer } from './carer.js';
import { el, kindLabel, renderShared, when } from './render.js';
import { buildReplySections, problemField, problemText, readReply, sendReply } from './reply.js';

/** @typedef {import('./capsule.js').Seen} Seen */
/** @typedef {import('./capsule.js').Signed} Signed */
/** @typedef {import('./carer.js').CarerRecord} CarerRecord */
/**
 * How a share is being opened: by its link (and PIN), or as the carer
 * enrolled in this browser.
 * @typedef {{ token: Uint8Array, key: import('./capsule.js').Key, pin: string | null, carer: CarerRecord | null }} How
 */

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @param {string} shareId @returns {Seen | null} */
function loadSeen(shareId) {
  try {
    const s = JSON.parse(localStorage.getItem(`haven-seen:${shareId}`) ?? 'null');
    return s && Number.isSafeInteger(s.seq) && typeof s.hash === 'string' && typeof s.signer === 'string' ? s : null;
  } catch {
    return null;
  }
}

/** @param {string} shareId @param {Seen} seen */
function saveSeen(shareId, seen) {
  try {
    localStorage.setItem(`haven-seen:${shareId}`, JSON.stringify(seen));
  } catch {
    // Storage refused (private mode): rollbacks are then caught only within this page.
  }
}

/** Shows a message in the alert box (read out by screen readers). @param {string} title @param {string[]} lines */
function alertBox(title, lines, tone = 'warn') {
  const box = $('alert');
  box.className = `notice ${tone}`;
  box.replaceChildren(el('h2', {}, [title]), ...lines.map((l) => el('p', {}, [l])));
  box.hidden = false;
}

function clearAlert() {
  $('alert').hidden = true;
  $('alert').replaceChildren();
}

/** @param {string} text */
function status(text) {
  $('status').textContent = text;
}

/** @param {string} text */
function title(text) {
  $('title').textContent = text;
  document.title = `${text} · Haven`;
}

function start() {
  const shareId = decodeURIComponent(location.pathname.split('/').filter(Boolean).pop() ?? '');
  const fragment = location.hash.slice(1);
  // The key is read once and taken out of the address bar (and history).
  if (fragment) history.replaceState(null, '', location.pathname);
  /** @type {{ key: Uint8Array, needsPin: boolean } | null} */
  let link = null;
  try {
    link = fragment ? parseFragment(fragment) : null;
  } catch {
    link = null;
  }
  const carer = isShareId(shareId) ? loadCarer(shareId) : null;
  if (!isShareId(shareId) || (!link && !carer?.token)) {
    title('This link is incomplete');
    alertBox('This link is incomplete', [
      'The part of the link after the # sign is the key, and it is missing or damaged here. Nothing was opened.',
      'Copy the whole link from the message you were sent, or ask the person to send it again.',
    ]);
    return;
  }
  const form = /** @type {HTMLFormElement} */ ($('open-form'));
  const pinInput = /** @type {HTMLInputElement} */ ($('pin'));
  const needsPin = link?.needsPin ?? false;
  $('pin-field').hidden = !needsPin;
  pinInput.required = needsPin;
  if (!link) $('open').textContent = 'Open as the carer enrolled in this browser';
  form.hidden = false;
  let busy = false;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    const pin = needsPin ? pinInput.value.trim() : null;
    if (pin !== null && !isPin(pin)) {
      alertBox('Check the PIN', ['A PIN is 4 to 12 digits. Nothing was sent.']);
      pinInput.setAttribute('aria-invalid', 'true');
      pinInput.focus();
      return;
    }
    busy = true;
    status('Opening…');
    try {
      if (link) {
        const { kek, accessToken } = await linkSecrets(link.key, shareId, pin);
        await open(shareId, { token: accessToken, key: { link: kek }, pin, carer: null });
      } else if (carer?.token) {
        await open(shareId, { token: unb64(carer.token), key: { carer: unb64(carer.ikm) }, pin: null, carer });
      }
    } finally {
      busy = false;
    }
  });
}

/** @param {string} shareId @param {How} how */
async function open(shareId, how) {
  const pin = how.pin;
  let response;
  try {
    response = await fetch(`/api/shares/${encodeURIComponent(shareId)}/open`, {
      method: 'POST', headers: { Authorization: `Bearer ${b64(how.token)}` }, credentials: 'omit', cache: 'no-store',
    });
  } catch {
    status('');
    alertBox('The relay could not be reached', ['Check your connection and try again. Nothing was opened.']);
    return;
  }
  status('');
  if (response.status === 401 && how.carer) {
    return ended('The relay does not know this browser as a carer', ['Ask the person to enrol this browser again.']);
  }
  if (response.status === 401) {
    const pinInput = /** @type {HTMLInputElement} */ ($('pin'));
    pinInput.setAttribute('aria-invalid', 'true');
    pinInput.value = '';
    pinInput.focus();
    alertBox(pin ? 'That PIN did not open the share' : 'This link did not open the share', [
      pin ? `Check the PIN with the person who shared it. After ${PIN_TRIES} wrong PINs in all the share locks, and the person sees each wrong try in their access log.`
        : 'The link may have been copied incompletely. Ask the person to send it again.',
    ]);
    return;
  }
  if (response.status === 423) return ended('This share is locked', ['Too many wrong PINs were tried, so the share no longer opens. Ask the person to share it again.']);
  if (response.status === 404) return ended('This share is not available', ['It has expired and been deleted, or the link is wrong. Ask the person to share it again if you still need it.']);
  if (response.status === 429) {
    alertBox('Too many requests', ['Wait a minute, then try again.']);
    return;
  }
  if (response.status === 410) {
    const body = await response.json().catch(() => ({}));
    if (body.state === 'read_limit') return ended('This share has been opened as many times as allowed', ['Ask the person to share it again if you still need it.']);
    return ended('This share has expired', [body.at ? `It could be opened until ${when(body.at)}.` : '', 'Ask the person to share it again if you still need it.'].filter(Boolean));
  }
  if (!response.ok) {
    alertBox('The relay could not answer', [`It replied with status ${response.status}. Try again later.`]);
    return;
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  const seen = loadSeen(shareId);
  try {
    const o = await openCapsule(bytes, shareId, how.key, seen, new Date());
    if (how.carer && o.content.signer !== how.carer.signer) throw new ShareError('wrong_signer');
    saveSeen(shareId, { seq: o.content.seq, hash: o.hash, signer: o.content.signer });
    show(o.content, seen, how);
  } catch (e) {
    if (!(e instanceof ShareError)) throw e;
    refused(e, shareId, seen);
  }
}

/** @param {ShareError} e @param {string} shareId @param {Seen | null} seen */
function refused(e, shareId, seen) {
  const c = /** @type {Signed | undefined} */ (e.detail.content);
  switch (e.kind) {
    case 'revoked':
      if (c) saveSeen(shareId, { seq: c.seq, hash: String(e.detail.hash), signer: c.signer });
      return ended('This share was revoked', [
        `The person stopped sharing this${c ? ` on ${when(c.signed_at)}` : ''}. Their revocation is signed, so it is really theirs.`,
        'What you saw before stays with you; please respect that they withdrew it.',
      ]);
    case 'expired':
      return ended('This share has expired', [`It could be opened until ${when(String(e.detail.at))}.`, 'Ask the person to share it again if you still need it.']);
    case 'rollback':
      return ended('Warning: this is an older version than you saw before', [
        `This browser has already seen version ${seen?.seq ?? '?'} of this share, but was now given version ${String(e.detail.got)}. The relay may be showing you out-of-date wishes.`,
        'Do not rely on it. Ask the person for their current plan.',
      ], 'danger');
    case 'not_a_recipient':
      return ended('This share is no longer shared with you', [
        'The person has stopped sharing new versions with this browser. What you saw before stays with you; please respect that they withdrew it.',
      ]);
    case 'wrong_key_or_pin':
      return ended('This link does not open the share', ['The key in the link does not match. Ask the person to send the link again.']);
    case 'unsupported_version':
      return ended('This share needs a newer viewer', ['It was made by a newer version of Haven. Reload the page later, or open it in the Haven app.']);
    default:
      return ended('This share could not be verified', [
        'What the relay sent does not carry the person’s valid signature, or does not follow on from what this browser saw before. It was not shown.',
        'Do not rely on it. Ask the person for their current plan.',
      ], 'danger');
  }
}

/** A final state: nothing more to open. @param {string} heading @param {string[]} lines */
function ended(heading, lines, tone = 'warn') {
  title(heading);
  $('open-form').hidden = true;
  alertBox(heading, lines, tone);
  $('main').focus();
}

/** @param {Signed} c @param {Seen | null} seen @param {How} how */
function show(c, seen, how) {
  clearAlert();
  const kind = kindLabel(c.document?.kind ?? '');
  title(`${kind} shared with ${c.recipient}`);
  $('intro').hidden = true;
  renderShared(c, $('about'), $('sections'));
  $('shared').hidden = false;
  if (seen && c.seq > seen.seq) status(`This is a newer version than you saw last time (version ${c.seq} of this share).`);
  if (c.document?.status && c.document.status !== 'active') {
    alertBox(`This version is ${c.document.status}`, ['It may not be the plan the person wants followed now. Ask them for their current plan.']);
  }
  $('print').addEventListener('click', () => window.print());
  if (c.document?.kind === 'advance_statement' && c.reply_to) setUpReply(c);
  setUpCarer(c, how);
  $('main').focus();
}

/** Offers to enrol this browser as a carer (only after opening by link). @param {Signed} c @param {How} how */
function setUpCarer(c, how) {
  const known = loadCarer(c.share);
  $('carer').hidden = false;
  if (how.carer || (known?.token && known.signer === c.signer)) {
    $('carer-intro').hidden = true;
    $('carer-start').hidden = true;
    $('carer-done').hidden = false;
    return;
  }
  $('carer-start').addEventListener('click', async () => {
    const { publicKey, code } = await beginEnrolment(c.share, c.signer);
    $('carer-key').textContent = publicKey;
    $('carer-code').textContent = code;
    $('carer-start').hidden = true;
    $('carer-steps').hidden = false;
    $('carer-key-label').focus();
  });
  const form = /** @type {HTMLFormElement} */ ($('welcome-form'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const text = /** @type {HTMLTextAreaElement} */ ($('welcome')).value;
    try {
      await finishEnrolment(c.share, text);
      $('carer-steps').hidden = true;
      $('carer-intro').hidden = true;
      $('carer-done').hidden = false;
      $('carer-done').focus();
    } catch (e) {
      const kind = e instanceof ShareError ? e.kind : '';
      alertBox('This welcome did not work', [kind === 'wrong_signer'
        ? 'It was not made by the person who signed this share. Do not use it; tell them.'
        : 'It was not made for this browser’s key, or it was copied incompletely. Paste the whole text the person sent.']);
      $('welcome').focus();
    }
  });
}

/** @param {Signed} c */
function setUpReply(c) {
  buildReplySections(c, $('reply-sections'));
  $('reply').hidden = false;
  const form = /** @type {HTMLFormElement} */ ($('reply-form'));
  const sent = $('send-reply');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const reply = readReply(form, c, new Date());
    sent.setAttribute('disabled', '');
    try {
      const r = await sendReply(reply, c);
      if ('problem' in r && r.problem) {
        alertBox('Your reply needs one more thing', [problemText(r.problem, c)]);
        const f = problemField(r.problem);
        if (f) document.getElementById(f)?.focus();
        return;
      }
      if (r.status === 201) {
        form.hidden = true;
        const done = el('p', { class: 'notice ok', role: 'status', tabindex: '-1', id: 'reply-sent' }, [
          'Your reply was sent, encrypted to the person. It waits in their Haven until they accept it into their consultation log or decline it.',
        ]);
        $('reply').append(done);
        done.focus();
        return;
      }
      alertBox('Your reply was not sent', [
        r.status === 404 ? 'The share is no longer on the relay.' : r.status === 429 ? 'Too many replies are waiting; try again later.' : `The relay answered ${r.status}. Try again later.`,
      ]);
    } catch (e) {
      // fetch fails with a TypeError; WebCrypto without X25519 with a DOMException.
      alertBox('Your reply was not sent', [e instanceof TypeError
        ? 'The relay could not be reached. Check your connection and try again.'
        : 'This browser could not encrypt it. Try a current Chrome, Edge, Firefox or Safari.']);
    } finally {
      sent.removeAttribute('disabled');
    }
  });
}

// A link pasted into this tab again only changes the fragment, which
// does not reload a page: start afresh with the new key.
window.addEventListener('hashchange', () => location.reload());
start();
