// @ts-check
// Reading what a person shared: the link's secrets, a capsule opened and
// checked (AEAD, Ed25519 signature, share id and sequence number inside and
// out, the chain against what this browser saw before, revocation, expiry),
// a clinician's reply sealed to the person, and the carer check code.
// What it parses must have exactly the fields core's types have
// (`schema.js`).
// Mirrors core/src/share/{link,capsule,reply,carer}.rs; the formats and
// their reasons are in docs/adr/0008-share-capsules.md.

import {
  ShareError, aesOpen, b64, concat, ed25519Verify, hkdf32, hpkeOpen, hpkeSeal,
  labelledHash, unb64, unb64n, utf8,
} from './crypto.js';
import * as shape from './schema.js';

const td = new TextDecoder('utf-8', { fatal: true });

/** Largest capsule accepted, in bytes (as core's MAX_CAPSULE_BYTES). */
export const MAX_CAPSULE_BYTES = 4 * 1024 * 1024;
/** Wrong PINs after which the relay locks a share (core's PIN_TRIES). */
export const PIN_TRIES = 5;

/** Whether `id` looks like a share id. @param {string} id */
export function isShareId(id) {
  return /^[A-Za-z0-9_-]{22}$/.test(id);
}

/**
 * The fragment of a link: `KEY` or `p.KEY` (a PIN is needed too).
 * @param {string} fragment without the leading `#`
 */
export function parseFragment(fragment) {
  const needsPin = fragment.startsWith('p.');
  const key = unb64n(needsPin ? fragment.slice(2) : fragment, 32);
  return { key, needsPin };
}

/** A PIN is 4 to 12 ASCII digits. @param {string} pin */
export function isPin(pin) {
  return /^[0-9]{4,12}$/.test(pin);
}

/**
 * The link KEK and access token of a link (and PIN; `null` when none).
 * @param {Uint8Array} key @param {string} shareId @param {string | null} pin
 */
export async function linkSecrets(key, shareId, pin) {
  if (pin !== null && !isPin(pin)) throw new ShareError('bad_pin');
  const info = (/** @type {string} */ label) => concat(utf8(label), new Uint8Array([0]), utf8(pin ?? ''));
  const salt = utf8(shareId);
  return {
    kek: await hkdf32(salt, key, info('haven-share-v1 link-kek')),
    accessToken: await hkdf32(salt, key, info('haven-share-v1 access')),
  };
}

/** What the relay stores instead of an access token. @param {Uint8Array} token */
export function accessHash(token) {
  return labelledHash('haven-share-v1 access-hash', token);
}

/** @param {string} label @param {string} share @param {number} seq */
function aad(label, share, seq) {
  const n = new Uint8Array(8);
  new DataView(n.buffer).setBigUint64(0, BigInt(seq));
  return concat(utf8(label), new Uint8Array([0]), utf8(share), new Uint8Array([0]), n);
}

/** @param {Uint8Array} signed */
export async function capsuleHash(signed) {
  return b64(await labelledHash('haven-capsule-v1 hash', signed));
}

/** @param {unknown} v @returns {v is Record<string, any>} */
function isObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * @typedef {{ seq: number, hash: string, signer: string }} Seen
 * @typedef {{ key: string, label: string, content: unknown }} SharedSection
 * @typedef {{ kind: string, version: string, number: number, status: string,
 *   signed_on: string | null, next_review: string | null, sections: SharedSection[] }} SharedDocument
 * @typedef {{ v: number, share: string, seq: number, prev: string | null, signer: string,
 *   signed_at: string, expires_at: string, recipient: string, revoked: boolean,
 *   document: SharedDocument | null, reply_to: string | null }} Signed
 * @typedef {{ link: Uint8Array } | { carer: Uint8Array }} Key
 */

/**
 * Refuses what a relay could do to a reader who saw `seen` before (core's
 * `check_chain`). @param {Signed} c @param {string} hash @param {Seen | null} seen
 */
export function checkChain(c, hash, seen) {
  if (!seen) {
    if (c.seq === 1 && c.prev !== null) throw new ShareError('spliced');
    return;
  }
  if (c.signer !== seen.signer) throw new ShareError('wrong_signer');
  if (c.seq < seen.seq) throw new ShareError('rollback', { seen: seen.seq, got: c.seq });
  if (c.seq === seen.seq && hash !== seen.hash) throw new ShareError('spliced');
  if (c.seq === seen.seq + 1 && c.prev !== seen.hash) throw new ShareError('spliced');
}

/**
 * Opens a capsule of share `shareId` (core's `capsule::open`). Throws a
 * ShareError: `malformed`, `unsupported_version`, `wrong_share`,
 * `wrong_key_or_pin`, `not_a_recipient`, `tampered`, `spliced`,
 * `wrong_signer`, `rollback`, `revoked` (detail.content: the signed
 * revocation), `expired` (detail.at, detail.content).
 * @param {Uint8Array} bytes @param {string} shareId @param {Key} key @param {Seen | null} seen @param {Date} now
 * @returns {Promise<{ content: Signed, hash: string }>}
 */
export async function openCapsule(bytes, shareId, key, seen, now) {
  if (bytes.length > MAX_CAPSULE_BYTES) throw new ShareError('too_large');
  let outer;
  try {
    outer = JSON.parse(td.decode(bytes));
  } catch {
    throw new ShareError('malformed');
  }
  if (!isObject(outer)) throw new ShareError('malformed');
  if (outer.haven_capsule !== 1) {
    // core reads the version as a u64 first: another whole number is a newer format.
    throw shape.uint(shape.U64)(outer.haven_capsule)
      ? new ShareError('unsupported_version', { found: outer.haven_capsule })
      : new ShareError('malformed');
  }
  if (!shape.outer(outer)) throw new ShareError('malformed');
  const { share, seq, nonce, body, wraps } = outer;
  if (share !== shareId) throw new ShareError('wrong_share');
  const bodyAad = aad('haven-capsule-v1', share, seq);
  const contentKey = await unwrapKey(wraps, share, seq, bodyAad, key);
  const plain = await aesOpen(contentKey, unb64n(nonce, 12), bodyAad, unb64(body));
  if (!plain || plain.length < 68) throw new ShareError('tampered');
  const sig = plain.subarray(0, 64);
  const len = new DataView(plain.buffer, plain.byteOffset + 64, 4).getUint32(0);
  if (68 + len > plain.length) throw new ShareError('tampered');
  const signed = plain.slice(68, 68 + len);
  /** @type {Signed} */
  let c;
  try {
    c = JSON.parse(td.decode(signed));
  } catch {
    throw new ShareError('malformed');
  }
  // Exactly core's `Signed` (unknown fields refused), before the signature.
  if (!shape.signed(c)) throw new ShareError('malformed');
  // A missing optional field is `None` to core: null here, as the rest expects.
  c.prev ??= null;
  c.reply_to ??= null;
  c.document ??= null;
  if (c.document) {
    c.document.signed_on ??= null;
    c.document.next_review ??= null;
  }
  const signInput = concat(utf8('haven-capsule-v1 signed'), new Uint8Array([0]), signed);
  if (!(await ed25519Verify(unb64n(c.signer, 32), signInput, sig))) throw new ShareError('tampered');
  if (c.v !== 1) throw new ShareError('unsupported_version', { found: c.v });
  if (c.share !== share || c.seq !== seq || c.seq === 0) throw new ShareError('spliced');
  const hash = await capsuleHash(signed);
  checkChain(c, hash, seen);
  if (c.revoked) throw new ShareError('revoked', { content: c, hash });
  const expires = Date.parse(c.expires_at);
  if (Number.isNaN(expires)) throw new ShareError('malformed');
  if (now.getTime() >= expires) throw new ShareError('expired', { at: c.expires_at, content: c, hash });
  if (!isObject(c.document) || !Array.isArray(c.document.sections)) throw new ShareError('malformed');
  return { content: c, hash };
}

/**
 * @param {any[]} wraps @param {string} share @param {number} seq @param {Uint8Array} bodyAad @param {Key} key
 */
async function unwrapKey(wraps, share, seq, bodyAad, key) {
  /** @type {Uint8Array | null} */
  let found = null;
  if ('link' in key) {
    const w = wraps.find((x) => isObject(x) && x.to === 'link');
    if (w) found = await aesOpen(key.link, unb64n(w.nonce, 12), aad('haven-capsule-v1 link', share, seq), unb64(w.key));
    if (!found) throw new ShareError('wrong_key_or_pin');
  } else {
    for (const w of wraps) {
      if (!isObject(w) || w.to !== 'carer') continue;
      found = await hpkeOpen(key.carer, unb64(w.enc), utf8('haven-capsule-v1 carer'), bodyAad, unb64(w.key));
      if (found) break;
    }
    if (!found) throw new ShareError('not_a_recipient');
  }
  if (found.length !== 32) throw new ShareError('tampered');
  return found;
}

/**
 * @typedef {{ section: string, response: 'agreed' | 'noted' | 'cannot_follow', reason: string }} ReplySection
 * @typedef {{ v: 1, version: string, name: string, role: string, organisation: string,
 *   date: string, sections: ReplySection[], notes: string }} Reply
 */

/** Checks a reply as core's `Reply::check` does; returns the problem or null. @param {Reply} r */
export function replyProblem(r) {
  if (!r.name.trim()) return 'name';
  if (!r.role.trim()) return 'role';
  if (r.sections.length === 0) return 'sections';
  for (const s of r.sections) {
    if (s.response === 'cannot_follow' && !s.reason.trim()) return `reason:${s.section}`;
  }
  return null;
}

/**
 * Seals a clinician's reply to the share's reply key (core's `reply::seal`):
 * the relay carries it without being able to read it. The field order is
 * core's, so the vector test can compare bytes.
 * @param {Reply} reply @param {string} share @param {string} replyTo @param {Uint8Array} [ikm] fixed only by the vector tests
 */
export async function sealReply(reply, share, replyTo, ikm) {
  const problem = replyProblem(reply);
  if (problem) throw new ShareError('invalid_reply', { problem });
  const body = utf8(JSON.stringify({
    v: 1, version: reply.version, name: reply.name, role: reply.role,
    organisation: reply.organisation, date: reply.date,
    sections: reply.sections.map((s) => ({ section: s.section, response: s.response, reason: s.reason })),
    notes: reply.notes,
  }));
  const info = utf8('haven-reply-v1');
  const { enc, ct } = await hpkeSeal(unb64n(replyTo, 32), info, concat(info, new Uint8Array([0]), utf8(share)), body, ikm);
  return JSON.stringify({ haven_reply: 1, share, enc: b64(enc), ct: b64(ct) });
}

/**
 * The 16-digit check code both screens show when a carer enrols (core's
 * `carer::check_code`). @param {Uint8Array} signer @param {Uint8Array} carer
 */
export async function checkCode(signer, carer) {
  const h = await labelledHash('haven-share-v1 check-code', concat(signer, carer));
  const n = new DataView(h.buffer).getBigUint64(0) % 10_000_000_000_000_000n;
  const digits = n.toString().padStart(16, '0');
  return digits.match(/.{4}/g)?.join(' ') ?? digits;
}

/**
 * @typedef {{ relay: string, share: string, token: string, signer: string }} Welcome
 */

/**
 * Opens the welcome a person's Haven seals to an enrolling carer (core's
 * `open_welcome`): base64url of `enc(32) || HPKE ciphertext`, with the
 * share id as associated data. @param {string} text @param {string} shareId @param {Uint8Array} ikm
 * @returns {Promise<Welcome>}
 */
export async function openWelcome(text, shareId, ikm) {
  const sealed = unb64(text.trim());
  if (sealed.length < 32 + 16) throw new ShareError('malformed');
  const plain = await hpkeOpen(ikm, sealed.subarray(0, 32), utf8('haven-carer-welcome-v1'), utf8(shareId), sealed.subarray(32));
  if (!plain) throw new ShareError('tampered');
  let w;
  try {
    w = JSON.parse(td.decode(plain));
  } catch {
    throw new ShareError('malformed');
  }
  if (!shape.welcome(w) || w.share !== shareId) throw new ShareError('malformed');
  unb64n(w.token, 32);
  return /** @type {Welcome} */ (w);
}
