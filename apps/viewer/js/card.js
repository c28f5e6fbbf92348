// @ts-check
// The offline crisis card (core/src/share/card.rs): its text is
// `HAVEN-CARD1:` + base64url(signer(32) || Ed25519 signature(64) || raw
// DEFLATE of the card's JSON). Opening one needs no network: the signature
// is checked over the compressed bytes before anything is inflated (with
// the browser's DecompressionStream, capped at core's 64 KiB), then the
// JSON must be exactly core's `Card`. Errors are core's: `malformed`,
// `too_large`, `tampered`, `unsupported_version`, `wrong_signer`.

import { ShareError, concat, ed25519Verify, unb64, unb64n, utf8 } from './crypto.js';
import * as shape from './schema.js';

/** What a card's text starts with. */
export const CARD_PREFIX = 'HAVEN-CARD1:';
const MAX_TEXT = 8 * 1024;
const MAX_INFLATED = 64 * 1024;

/**
 * @typedef {{ name: string, relationship: string, phones: string[] }} CardPerson
 * @typedef {{ name: string, number: string, hours: string }} CardLine
 * @typedef {{ v: number, owner: string, signer: string, signed_at: string, call: CardPerson[],
 *   lines: CardLine[], helps: string[], approach: string, do_not_involve: CardPerson[], notice: string }} Card
 */

/** Raw DEFLATE, refused past `limit` bytes; `null` when it does not inflate. @param {Uint8Array} packed @param {number} limit */
async function inflate(packed, limit) {
  try {
    const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    const reader = stream.getReader();
    /** @type {Uint8Array[]} */
    const parts = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > limit) {
        await reader.cancel();
        return null;
      }
      parts.push(value);
    }
    return concat(...parts);
  } catch {
    return null;
  }
}

/**
 * Opens a card's text (core's `card::decode`); `expectedSigner`
 * (base64url), when known, must have signed it.
 * @param {string} text @param {string | null} [expectedSigner]
 * @returns {Promise<Card>}
 */
export async function openCard(text, expectedSigner = null) {
  const trimmed = text.trim();
  if (!trimmed.startsWith(CARD_PREFIX)) throw new ShareError('malformed');
  const body = trimmed.slice(CARD_PREFIX.length);
  if (body.length > MAX_TEXT) throw new ShareError('too_large');
  const bin = unb64(body);
  if (bin.length < 96) throw new ShareError('malformed');
  const signer = bin.subarray(0, 32);
  const sig = bin.subarray(32, 96);
  const packed = bin.subarray(96);
  const signInput = concat(utf8('haven-card-v1 signed'), new Uint8Array([0]), packed);
  if (!(await ed25519Verify(signer, signInput, sig))) throw new ShareError('tampered');
  const json = await inflate(packed, MAX_INFLATED);
  if (!json) throw new ShareError('tampered');
  /** @type {unknown} */
  let card;
  try {
    card = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch {
    throw new ShareError('tampered');
  }
  if (!shape.card(card)) throw new ShareError('tampered');
  const c = /** @type {Card} */ (card);
  const named = unb64n(c.signer, 32);
  if (named.length !== signer.length || named.some((b, i) => b !== signer[i])) throw new ShareError('tampered');
  if (c.v !== 1) throw new ShareError('unsupported_version', { found: c.v });
  if (expectedSigner !== null && expectedSigner !== c.signer) throw new ShareError('wrong_signer');
  return c;
}
