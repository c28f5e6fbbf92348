// The viewer's cryptography against the Rust core's published vectors
// (core/tests/vectors/share-v1.json), in Node's WebCrypto (the same API
// the page uses): link secrets, a capsule opened by link with a PIN and by
// an enrolled carer, every flipped byte refused, the chain checks, a
// clinician's reply sealed byte for byte as core seals it, the check code;
// and (share-v1-strict.json) core's refusals, the carer welcome, the card.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { b64, unb64, ShareError, deriveKeyPair, hpkeOpen, utf8, concat } from '../js/crypto.js';
import {
  accessHash, checkChain, checkCode, linkSecrets, openCapsule, openWelcome, parseFragment, sealReply,
} from '../js/capsule.js';
import { openCard } from '../js/card.js';

const V = JSON.parse(readFileSync(fileURLToPath(new URL('../../../core/tests/vectors/share-v1.json', import.meta.url)), 'utf8'));
const NOW = new Date(V.capsule.now);
const bytes = (/** @type {string} */ s) => new TextEncoder().encode(s);

/** Resolves to the ShareError kind a promise rejects with. */
async function kind(p) {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ShareError, `not a ShareError: ${e}`);
    return e.kind;
  }
  assert.fail('did not fail');
}

test('the link from the vector parses and yields core\'s KEK and access token', async () => {
  const fragment = V.link.url.split('#')[1];
  const { key, needsPin } = parseFragment(fragment);
  assert.equal(needsPin, true);
  assert.equal(b64(key), V.link.key);
  const withPin = await linkSecrets(key, V.link.share, V.link.pin);
  assert.equal(b64(withPin.kek), V.link.kek);
  assert.equal(b64(withPin.accessToken), V.link.access_token);
  assert.equal(b64(await accessHash(withPin.accessToken)), V.link.access_hash);
  const without = await linkSecrets(key, V.link.share, null);
  assert.equal(b64(without.kek), V.link.kek_without_pin);
  assert.equal(b64(without.accessToken), V.link.access_token_without_pin);
  assert.equal(await kind(linkSecrets(key, V.link.share, '12a4')), 'bad_pin');
});

test('the capsule opens by link and PIN, with exactly the signed content', async () => {
  const { kek } = await linkSecrets(unb64(V.link.key), V.link.share, V.link.pin);
  const o = await openCapsule(bytes(V.capsule.bytes), V.link.share, { link: kek }, null, NOW);
  assert.deepEqual(o.content, V.capsule.signed);
  assert.equal(o.hash, V.capsule.hash);
  assert.equal(o.content.document.sections[0].content.what_matters, 'Tea, and my cat — ça va. 日本語');
});

test('the capsule opens for the enrolled carer (HPKE from WebCrypto)', async () => {
  const carer = await deriveKeyPair(unb64(V.capsule.carer_secret));
  assert.equal(b64(carer.pk), V.capsule.carer_public);
  const o = await openCapsule(bytes(V.capsule.bytes), V.link.share, { carer: unb64(V.capsule.carer_secret) }, null, NOW);
  assert.equal(o.hash, V.capsule.hash);
  const stranger = unb64(V.reply.secret);
  assert.equal(await kind(openCapsule(bytes(V.capsule.bytes), V.link.share, { carer: stranger }, null, NOW)), 'not_a_recipient');
});

test('a wrong PIN, a wrong share, expiry and a newer version seen are refused with their own errors', async () => {
  const key = unb64(V.link.key);
  const wrong = await linkSecrets(key, V.link.share, '4712');
  const right = await linkSecrets(key, V.link.share, V.link.pin);
  const cap = bytes(V.capsule.bytes);
  assert.equal(await kind(openCapsule(cap, V.link.share, { link: wrong.kek }, null, NOW)), 'wrong_key_or_pin');
  assert.equal(await kind(openCapsule(cap, 'AAAAAAAAAAAAAAAAAAAAAA', { link: right.kek }, null, NOW)), 'wrong_share');
  assert.equal(await kind(openCapsule(cap, V.link.share, { link: right.kek }, null, new Date(V.capsule.signed.expires_at))), 'expired');
  const signer = V.capsule.signed.signer;
  assert.equal(await kind(openCapsule(cap, V.link.share, { link: right.kek }, { seq: 2, hash: 'x', signer }, NOW)), 'rollback');
  assert.equal(await kind(openCapsule(cap, V.link.share, { link: right.kek }, { seq: 1, hash: 'x', signer }, NOW)), 'spliced');
  assert.equal(await kind(openCapsule(cap, V.link.share, { link: right.kek }, { seq: 1, hash: V.capsule.hash, signer: 'other' }, NOW)), 'wrong_signer');
  // Seen exactly this one before: opens again.
  const again = await openCapsule(cap, V.link.share, { link: right.kek }, { seq: 1, hash: V.capsule.hash, signer }, NOW);
  assert.equal(again.content.seq, 1);
});

test('the chain: a next version must name the hash seen', () => {
  const seen = { seq: 1, hash: 'h1', signer: 's' };
  const next = { ...V.capsule.signed, signer: 's', seq: 2, prev: 'h1' };
  checkChain(next, 'h2', seen);
  assert.throws(() => checkChain({ ...next, prev: 'other' }, 'h2', seen), (e) => e.kind === 'spliced');
  assert.throws(() => checkChain({ ...next, seq: 1, prev: 'x' }, 'h9', null), (e) => e.kind === 'spliced');
});

test('every flipped byte of the encrypted body or the link wrap is refused', async () => {
  const { kek } = await linkSecrets(unb64(V.link.key), V.link.share, V.link.pin);
  const outer = JSON.parse(V.capsule.bytes);
  let tried = 0;
  let expected = 0;
  for (const field of ['body', 'wrap']) {
    const raw = field === 'body' ? unb64(outer.body) : unb64(outer.wraps[0].key);
    expected += raw.length;
    for (let i = 0; i < raw.length; i++) {
      const flipped = raw.slice();
      flipped[i] ^= 0x01;
      const o = structuredClone(outer);
      if (field === 'body') o.body = b64(flipped);
      else o.wraps[0].key = b64(flipped);
      const k = await kind(openCapsule(bytes(JSON.stringify(o)), V.link.share, { link: kek }, null, NOW));
      assert.equal(k, field === 'body' ? 'tampered' : 'wrong_key_or_pin');
      tried++;
    }
  }
  assert.equal(tried, expected);
  assert.ok(tried > 1000, `tried ${tried}`);
  const truncated = structuredClone(outer);
  truncated.body = outer.body.slice(0, 40);
  assert.equal(await kind(openCapsule(bytes(JSON.stringify(truncated)), V.link.share, { link: kek }, null, NOW)), 'tampered');
  assert.equal(await kind(openCapsule(bytes(V.capsule.bytes.slice(0, 100)), V.link.share, { link: kek }, null, NOW)), 'malformed');
  const v2 = { ...outer, haven_capsule: 2 };
  assert.equal(await kind(openCapsule(bytes(JSON.stringify(v2)), V.link.share, { link: kek }, null, NOW)), 'unsupported_version');
});

test('a reply sealed in the browser is byte for byte the one core seals', async () => {
  const sealed = await sealReply(V.reply.reply, V.link.share, V.reply.public, vectorReplyIkm());
  assert.equal(sealed, V.reply.bytes);
  // And it opens with the person's reply secret to the same reply.
  const wire = JSON.parse(sealed);
  const info = utf8('haven-reply-v1');
  const plain = await hpkeOpen(unb64(V.reply.secret), unb64(wire.enc), info, concat(info, new Uint8Array([0]), utf8(V.link.share)), unb64(wire.ct));
  assert.deepEqual(JSON.parse(new TextDecoder().decode(plain)), V.reply.reply);
  // A random one differs but opens too.
  const fresh = JSON.parse(await sealReply(V.reply.reply, V.link.share, V.reply.public));
  assert.notEqual(fresh.enc, wire.enc);
  assert.ok(await hpkeOpen(unb64(V.reply.secret), unb64(fresh.enc), info, concat(info, new Uint8Array([0]), utf8(V.link.share)), unb64(fresh.ct)));
});

test('a reply that cannot follow a wish without a reason is refused before sealing', async () => {
  const r = structuredClone(V.reply.reply);
  r.sections[0].reason = '  ';
  assert.equal(await kind(sealReply(r, V.link.share, V.reply.public)), 'invalid_reply');
});

test('the check code matches core\'s', async () => {
  assert.equal(await checkCode(unb64(V.signer), unb64(V.capsule.carer_public)), V.capsule.check_code);
});

// The clinician's HPKE randomness the vector was sealed with.
function vectorReplyIkm() {
  return unb64(V.reply.ephemeral_ikm);
}

// What core refuses, the viewer refuses alike (core/tests/vectors/
// share-v1-strict.json): unknown, missing and mistyped fields in capsules,
// carer welcomes and crisis cards, each with core's error code.
const S = JSON.parse(readFileSync(fileURLToPath(new URL('../../../core/tests/vectors/share-v1-strict.json', import.meta.url)), 'utf8'));

/** What the viewer says of one strict case: `ok` or the error's kind. */
async function viewerSays(/** @type {{format: string, text: string}} */ c) {
  const opening = {
    capsule: () => openCapsule(bytes(c.text), S.share, { link: unb64(S.link_kek) }, null, new Date(S.now)),
    welcome: () => openWelcome(c.text, S.share, unb64(S.carer_secret)),
    card: () => openCard(c.text),
  }[c.format];
  assert.ok(opening, `unknown format ${c.format}`);
  try {
    await opening();
    return 'ok';
  } catch (e) {
    assert.ok(e instanceof ShareError, `not a ShareError: ${e}`);
    return e.kind;
  }
}

test('every strict case from core gets core\'s answer', async () => {
  assert.ok(S.cases.length >= 20);
  for (const c of S.cases) {
    assert.equal(await viewerSays(c), c.expect, `${c.format}: ${c.name}`);
  }
  // Both answers occur: the cases are not all refusals nor all opens.
  assert.ok(S.cases.some((/** @type {any} */ c) => c.expect === 'ok'));
  assert.ok(S.cases.some((/** @type {any} */ c) => c.expect === 'malformed'));
});

test('the carer welcome core seals opens to the same welcome, with core\'s check code', async () => {
  const w = await openWelcome(S.welcome.text, S.share, unb64(S.carer_secret));
  assert.deepEqual(w, S.welcome.welcome);
  const { pk } = await deriveKeyPair(unb64(S.carer_secret));
  assert.equal(b64(pk), S.welcome.carer_public);
  assert.equal(await checkCode(unb64(w.signer), pk), S.welcome.check_code);
  // Another carer's secret, or another share, does not open it.
  assert.equal(await kind(openWelcome(S.welcome.text, S.share, new Uint8Array(32).fill(7))), 'tampered');
  assert.equal(await kind(openWelcome(S.welcome.text, 'AAAAAAAAAAAAAAAAAAAAAA', unb64(S.carer_secret))), 'tampered');
});

test('the crisis card from core opens offline to the same card, and a flipped byte is refused', async () => {
  const card = await openCard(V.card.text, V.signer);
  assert.deepEqual(card, V.card.card);
  assert.equal(await kind(openCard(V.card.text, b64(new Uint8Array(32)))), 'wrong_signer');
  const body = unb64(V.card.text.slice('HAVEN-CARD1:'.length));
  for (const i of [0, 40, 100, body.length - 1]) {
    const flipped = body.slice();
    flipped[i] ^= 1;
    assert.equal(await kind(openCard(`HAVEN-CARD1:${b64(flipped)}`)), 'tampered', `byte ${i}`);
  }
  assert.equal(await kind(openCard('HAVEN-CARD2:AAAA')), 'malformed');
});
