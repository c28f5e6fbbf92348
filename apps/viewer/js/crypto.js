// @ts-check
// The primitives sharing is built from, each taken from the browser's own
// WebCrypto (AES-256-GCM, HKDF-SHA256, HMAC-SHA256, SHA-256, Ed25519,
// X25519): the viewer carries no cryptography of its own. HPKE (RFC 9180,
// base mode, DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM) is
// only the composition RFC 9180 writes down, over those primitives; it is
// checked byte for byte against the Rust core's published vectors
// (core/tests/vectors/share-v1.json) by tests/vectors.test.mjs.
// Mirrors core/src/share/primitives.rs.

const subtle = globalThis.crypto.subtle;
const enc = new TextEncoder();

/** UTF-8 bytes of a string. @param {string} s */
export function utf8(s) {
  return enc.encode(s);
}

/** Concatenates byte arrays. @param {Uint8Array[]} parts */
export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A failure the page explains to the reader; `kind` names which. */
export class ShareError extends Error {
  /** @param {string} kind @param {Record<string, unknown>} [detail] */
  constructor(kind, detail = {}) {
    super(kind);
    this.kind = kind;
    this.detail = detail;
  }
}

/** Base64url without padding. @param {Uint8Array} bytes */
export function b64(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes base64url without padding; `malformed` otherwise. @param {unknown} text */
export function unb64(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
    throw new ShareError('malformed');
  }
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  if (b64(out) !== text) throw new ShareError('malformed');
  return out;
}

/** Exactly `n` bytes of base64url. @param {unknown} text @param {number} n */
export function unb64n(text, n) {
  const out = unb64(text);
  if (out.length !== n) throw new ShareError('malformed');
  return out;
}

/** SHA-256 of `label || 0x00 || data`. @param {string} label @param {Uint8Array} data */
export async function labelledHash(label, data) {
  return new Uint8Array(await subtle.digest('SHA-256', concat(utf8(label), new Uint8Array([0]), data)));
}

/** HKDF-SHA256 (extract and expand) to 32 bytes, as ring's. @param {Uint8Array} salt @param {Uint8Array} ikm @param {Uint8Array} info */
export async function hkdf32(salt, ikm, info) {
  const key = await subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
  const bits = await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, key, 256);
  return new Uint8Array(bits);
}

/** HMAC-SHA256. @param {Uint8Array} key @param {Uint8Array} data */
async function hmac(key, data) {
  // An empty HMAC key equals a block of zeros (RFC 2104), which WebCrypto accepts.
  const k = await subtle.importKey('raw', key.length ? key : new Uint8Array(32), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await subtle.sign('HMAC', k, data));
}

/** HKDF-Extract (RFC 5869). @param {Uint8Array} salt @param {Uint8Array} ikm */
function extract(salt, ikm) {
  return hmac(salt, ikm);
}

/** HKDF-Expand to at most 32 bytes. @param {Uint8Array} prk @param {Uint8Array} info @param {number} len */
async function expand(prk, info, len) {
  const t1 = await hmac(prk, concat(info, new Uint8Array([1])));
  return t1.slice(0, len);
}

/** @param {Uint8Array} key */
function aesKey(key, /** @type {KeyUsage[]} */ usages) {
  return subtle.importKey('raw', key, 'AES-GCM', false, usages);
}

/** AES-256-GCM seal; returns ciphertext || tag. @param {Uint8Array} key @param {Uint8Array} nonce @param {Uint8Array} aad @param {Uint8Array} plain */
export async function aesSeal(key, nonce, aad, plain) {
  const k = await aesKey(key, ['encrypt']);
  return new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad }, k, plain));
}

/** AES-256-GCM open; `null` when it does not authenticate. @param {Uint8Array} key @param {Uint8Array} nonce @param {Uint8Array} aad @param {Uint8Array} sealed */
export async function aesOpen(key, nonce, aad, sealed) {
  const k = await aesKey(key, ['decrypt']);
  try {
    return new Uint8Array(await subtle.decrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad }, k, sealed));
  } catch {
    return null;
  }
}

/** Whether `sig` is `publicKey`'s Ed25519 signature of `msg`. @param {Uint8Array} publicKey @param {Uint8Array} msg @param {Uint8Array} sig */
export async function ed25519Verify(publicKey, msg, sig) {
  try {
    const k = await subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
    return await subtle.verify({ name: 'Ed25519' }, k, sig, msg);
  } catch {
    return false;
  }
}

// ---- HPKE, RFC 9180 base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM.

const KEM_SUITE = concat(utf8('KEM'), new Uint8Array([0x00, 0x20]));
const HPKE_SUITE = concat(utf8('HPKE'), new Uint8Array([0x00, 0x20, 0x00, 0x01, 0x00, 0x02]));
const V1 = utf8('HPKE-v1');
const EMPTY = new Uint8Array(0);
// PKCS #8 wrapping of a raw X25519 private key (RFC 8410).
const PKCS8_X25519 = new Uint8Array([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20]);
const BASEPOINT = new Uint8Array(32);
BASEPOINT[0] = 9;

/** @param {Uint8Array} suite @param {Uint8Array} salt @param {string} label @param {Uint8Array} ikm */
function labeledExtract(suite, salt, label, ikm) {
  return extract(salt, concat(V1, suite, utf8(label), ikm));
}

/** @param {Uint8Array} suite @param {Uint8Array} prk @param {string} label @param {Uint8Array} info @param {number} len */
function labeledExpand(suite, prk, label, info, len) {
  return expand(prk, concat(new Uint8Array([len >> 8, len & 255]), V1, suite, utf8(label), info), len);
}

/** X25519(secret, public point). @param {Uint8Array} sk @param {Uint8Array} pk */
async function x25519(sk, pk) {
  const priv = await subtle.importKey('pkcs8', concat(PKCS8_X25519, sk), { name: 'X25519' }, false, ['deriveBits']);
  const pub = await subtle.importKey('raw', pk, { name: 'X25519' }, false, []);
  try {
    return new Uint8Array(await subtle.deriveBits({ name: 'X25519', public: pub }, priv, 256));
  } catch {
    throw new ShareError('tampered'); // a low-order point: RFC 9180 says abort
  }
}

/**
 * RFC 9180 DeriveKeyPair: the X25519 key pair of a 32-byte `ikm` (how the
 * core stores carer and reply secrets). @param {Uint8Array} ikm
 */
export async function deriveKeyPair(ikm) {
  const prk = await labeledExtract(KEM_SUITE, EMPTY, 'dkp_prk', ikm);
  const sk = await labeledExpand(KEM_SUITE, prk, 'sk', EMPTY, 32);
  return { sk, pk: await x25519(sk, BASEPOINT) };
}

/** @param {Uint8Array} dh @param {Uint8Array} kemContext */
async function sharedSecret(dh, kemContext) {
  const prk = await labeledExtract(KEM_SUITE, EMPTY, 'eae_prk', dh);
  return labeledExpand(KEM_SUITE, prk, 'shared_secret', kemContext, 32);
}

/** @param {Uint8Array} shared @param {Uint8Array} info */
async function keySchedule(shared, info) {
  const pskIdHash = await labeledExtract(HPKE_SUITE, EMPTY, 'psk_id_hash', EMPTY);
  const infoHash = await labeledExtract(HPKE_SUITE, EMPTY, 'info_hash', info);
  const context = concat(new Uint8Array([0]), pskIdHash, infoHash);
  const secret = await labeledExtract(HPKE_SUITE, shared, 'secret', EMPTY);
  return {
    key: await labeledExpand(HPKE_SUITE, secret, 'key', context, 32),
    nonce: await labeledExpand(HPKE_SUITE, secret, 'base_nonce', context, 12),
  };
}

/**
 * HPKE single-shot seal to `recipient`; `ephemeralIkm` is the sender's
 * fresh randomness (fixed only by the vector tests). Returns `{enc, ct}`.
 * @param {Uint8Array} recipient @param {Uint8Array} info @param {Uint8Array} aad @param {Uint8Array} plain @param {Uint8Array} [ephemeralIkm]
 */
export async function hpkeSeal(recipient, info, aad, plain, ephemeralIkm) {
  const eph = await deriveKeyPair(ephemeralIkm ?? globalThis.crypto.getRandomValues(new Uint8Array(32)));
  const dh = await x25519(eph.sk, recipient);
  const shared = await sharedSecret(dh, concat(eph.pk, recipient));
  const { key, nonce } = await keySchedule(shared, info);
  return { enc: eph.pk, ct: await aesSeal(key, nonce, aad, plain) };
}

/**
 * HPKE single-shot open with the recipient's `ikm`; `null` when it is not
 * for this key or does not authenticate.
 * @param {Uint8Array} secretIkm @param {Uint8Array} encapped @param {Uint8Array} info @param {Uint8Array} aad @param {Uint8Array} sealed
 */
export async function hpkeOpen(secretIkm, encapped, info, aad, sealed) {
  const me = await deriveKeyPair(secretIkm);
  let dh;
  try {
    dh = await x25519(me.sk, encapped);
  } catch {
    return null;
  }
  const shared = await sharedSecret(dh, concat(encapped, me.pk));
  const { key, nonce } = await keySchedule(shared, info);
  return aesOpen(key, nonce, aad, sealed);
}
