// @ts-check
// The shapes core accepts, checked as strictly as core's serde types: every
// object has exactly its known fields (core's `deny_unknown_fields`), every
// required field is present with its type, fields that are `Option` in
// core may be missing or null, enums take only their known values, times
// are RFC 3339 and dates are real calendar dates. What core refuses as
// `malformed` (or, for a card, `tampered`) the viewer refuses alike:
// core/tests/vectors/share-v1-strict.json holds the cases both must agree on.

/** @typedef {(v: unknown) => boolean} Check */

/** @type {Check} */
export const str = (v) => typeof v === 'string';
/** @type {Check} */
export const bool = (v) => typeof v === 'boolean';
/** Any JSON value (core's `serde_json::Value`), but present. @type {Check} */
export const any = (v) => v !== undefined;

/** A whole number from 0 to `max` (u32, u64 as far as JSON numbers reach). @param {number} max @returns {Check} */
export const uint = (max) => (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= max;
export const U32 = 0xffffffff;
export const U64 = Number.MAX_SAFE_INTEGER;

/** `null` or `check` (core's `Option`). @param {Check} check @returns {Check} */
export const nullable = (check) => (v) => v === null || check(v);
/** An array of `check`. @param {Check} check @returns {Check} */
export const arrayOf = (check) => (v) => Array.isArray(v) && v.every(check);
/** One of these strings (a core enum). @param {...string} values @returns {Check} */
export const oneOf = (...values) => (v) => typeof v === 'string' && values.includes(v);

/** An RFC 3339 date and time, as chrono reads one. @type {Check} */
export const time = (v) =>
  typeof v === 'string' &&
  /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/.test(v) &&
  !Number.isNaN(Date.parse(v)) &&
  realDate(v.slice(0, 10));

/** @param {string} s `YYYY-MM-DD` */
function realDate(s) {
  const [y, m, d] = s.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** A calendar date `YYYY-MM-DD` (core's `NaiveDate`). @type {Check} */
export const date = (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && realDate(v);

/**
 * An object with exactly these fields: each of `required` present and
 * passing its check, each of `optional` absent or passing, no other.
 * @param {Record<string, Check>} required @param {Record<string, Check>} [optional]
 * @returns {Check}
 */
export function record(required, optional = {}) {
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const o = /** @type {Record<string, unknown>} */ (v);
    for (const k of Object.keys(o)) {
      if (!Object.hasOwn(required, k) && !Object.hasOwn(optional, k)) return false;
    }
    for (const [k, check] of Object.entries(required)) {
      if (!Object.hasOwn(o, k) || !check(o[k])) return false;
    }
    for (const [k, check] of Object.entries(optional)) {
      if (Object.hasOwn(o, k) && !check(o[k])) return false;
    }
    return true;
  };
}

/** Either of two shapes. @param {Check[]} checks @returns {Check} */
export const either = (...checks) => (v) => checks.some((c) => c(v));

/** core's `DocumentKind`. */
const kind = oneOf('crisis_plan', 'advance_statement');
/** core's `VersionStatus`. */
const status = oneOf('draft', 'active', 'superseded', 'revoked');

/** core's `capsule::Outer` (the probe of `haven_capsule` comes first). */
export const outer = record({
  haven_capsule: uint(U32),
  share: str,
  seq: uint(U64),
  nonce: str,
  body: str,
  wraps: arrayOf(either(
    record({ to: oneOf('link'), nonce: str, key: str }),
    record({ to: oneOf('carer'), enc: str, key: str }),
  )),
});

/** core's `SharedSection`. */
const sharedSection = record({ key: str, label: str, content: any });

/** core's `SharedDocument`. */
const sharedDocument = record(
  { kind, version: str, number: uint(U32), status, sections: arrayOf(sharedSection) },
  { signed_on: nullable(date), next_review: nullable(date) },
);

/** core's `capsule::Signed`. */
export const signed = record(
  {
    v: uint(U32), share: str, seq: uint(U64), signer: str, signed_at: time, expires_at: time,
    recipient: str, revoked: bool,
  },
  { prev: nullable(str), document: nullable(sharedDocument), reply_to: nullable(str) },
);

/** core's `Welcome`. */
export const welcome = record({ relay: str, share: str, token: str, signer: str });

/** core's `card::CardPerson`. */
const cardPerson = record({ name: str, relationship: str, phones: arrayOf(str) });

/** core's `card::Card`. */
export const card = record({
  v: uint(U32), owner: str, signer: str, signed_at: time,
  call: arrayOf(cardPerson),
  lines: arrayOf(record({ name: str, number: str, hours: str })),
  helps: arrayOf(str), approach: str, do_not_involve: arrayOf(cardPerson), notice: str,
});
