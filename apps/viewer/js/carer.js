// @ts-check
// Standing carer access from a browser (ADR 0008's "carers", ADR 0011):
// after opening a share by its link, a carer can enrol this browser. It
// makes an X25519 key pair (HPKE's DeriveKeyPair from 32 random bytes, as
// core's CarerKeys), shows the public key to send to the person and the
// check code computed from it and the signer of the capsule just verified
// (which came through the person's own link, not from the relay alone).
// The person's Haven shows the same code when it enrols the key and
// returns a welcome sealed to this browser; pasting it stores the token
// the relay knows this carer by. From then on the page at /s/ID opens the
// newest version with no link key, until the person stops sharing with
// this carer. The secret stays in this site's storage in this browser.

import { b64, deriveKeyPair, unb64, unb64n, ShareError } from './crypto.js';
import { checkCode, openWelcome } from './capsule.js';

/** @typedef {{ ikm: string, signer: string, token: string | null }} CarerRecord */

const slot = (/** @type {string} */ shareId) => `haven-carer:${shareId}`;

/** This browser's enrolment for a share, if any. @param {string} shareId @returns {CarerRecord | null} */
export function loadCarer(shareId) {
  try {
    const r = JSON.parse(localStorage.getItem(slot(shareId)) ?? 'null');
    if (!r || typeof r.ikm !== 'string' || typeof r.signer !== 'string') return null;
    unb64n(r.ikm, 32);
    return { ikm: r.ikm, signer: r.signer, token: typeof r.token === 'string' ? r.token : null };
  } catch {
    return null;
  }
}

/** @param {string} shareId @param {CarerRecord} r */
function saveCarer(shareId, r) {
  localStorage.setItem(slot(shareId), JSON.stringify(r));
}

/**
 * Makes (or reuses) this browser's key pair for a share whose capsules are
 * signed by `signer`; returns the public key to send and the check code.
 * @param {string} shareId @param {string} signer
 */
export async function beginEnrolment(shareId, signer) {
  let r = loadCarer(shareId);
  if (!r || r.signer !== signer) {
    r = { ikm: b64(globalThis.crypto.getRandomValues(new Uint8Array(32))), signer, token: null };
    saveCarer(shareId, r);
  }
  const { pk } = await deriveKeyPair(unb64(r.ikm));
  return { publicKey: b64(pk), code: await checkCode(unb64(signer), pk) };
}

/**
 * Opens the welcome the person sent and keeps its token. A welcome from
 * another signer than the one this browser verified is refused.
 * @param {string} shareId @param {string} text
 */
export async function finishEnrolment(shareId, text) {
  const r = loadCarer(shareId);
  if (!r) throw new ShareError('not_enrolling');
  const w = await openWelcome(text, shareId, unb64(r.ikm));
  if (w.signer !== r.signer) throw new ShareError('wrong_signer');
  saveCarer(shareId, { ...r, token: w.token });
  return w;
}

/** Forgets this browser's enrolment for a share. @param {string} shareId */
export function forgetCarer(shareId) {
  try {
    localStorage.removeItem(slot(shareId));
  } catch {
    // Nothing stored.
  }
}
