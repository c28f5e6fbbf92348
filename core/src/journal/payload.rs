//! What one journal record holds once decrypted, and its two encodings.
//!
//! - Version 2 (written since ADR 0005): the byte `2`, then the fields in
//!   postcard (varints, length-prefixed UTF-8). Dates are whole seconds and
//!   nanoseconds since the Unix epoch, so they round-trip exactly. Decoding
//!   borrows the text and tags from the decrypted buffer: search looks at
//!   every entry and copies only the ones that match.
//! - Version 1: a JSON object (`{"v":1,...}`, RFC 3339 dates). No longer
//!   written; opens forever. JSON always starts with `{`, never with `2`.
//!
//! Parsing JSON and dates was about a fifth of the time to list the journal
//! (profile in `docs/performance.md`); version 2 has neither.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{HavenError, Result};
use crate::Timestamp;

/// First byte of a version-2 payload.
const V2: u8 = 2;

/// A decrypted entry, borrowing what it can from the plaintext buffer.
pub(super) struct View<'a> {
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub text: Cow<'a, str>,
    pub mood: Option<u8>,
    pub tags: Tags<'a>,
}

/// An entry's tags: still encoded (version 2, checked already), so search
/// reads them without allocating, or decoded (version 1).
pub(super) enum Tags<'a> {
    Encoded { count: usize, bytes: &'a [u8] },
    Owned(Vec<String>),
}

impl Tags<'_> {
    /// Whether `f` holds for any tag.
    pub fn any(&self, mut f: impl FnMut(&str) -> bool) -> bool {
        match self {
            Tags::Owned(v) => v.iter().any(|t| f(t)),
            Tags::Encoded { count, bytes } => {
                let mut rest = *bytes;
                (0..*count).any(|_| take::<&str>(&mut rest).is_some_and(&mut f))
            }
        }
    }

    /// The tags as owned strings.
    pub fn into_vec(self) -> Vec<String> {
        match self {
            Tags::Owned(v) => v,
            Tags::Encoded { count, bytes } => {
                let mut out = Vec::with_capacity(count);
                let mut rest = bytes;
                while let Some(t) = take::<&str>(&mut rest) {
                    out.push(t.to_string());
                }
                out
            }
        }
    }
}

/// Takes one postcard value off the front of `bytes`.
fn take<'a, T: Deserialize<'a>>(bytes: &mut &'a [u8]) -> Option<T> {
    let (value, rest) = postcard::take_from_bytes(bytes).ok()?;
    *bytes = rest;
    Some(value)
}

/// An instant as stored in version 2.
#[derive(Serialize, Deserialize, Clone, Copy)]
struct Stamp {
    secs: i64,
    nanos: u32,
}

impl Stamp {
    fn of(t: &Timestamp) -> Self {
        Self {
            secs: t.timestamp(),
            nanos: t.timestamp_subsec_nanos(),
        }
    }

    fn instant(self) -> Option<Timestamp> {
        DateTime::from_timestamp(self.secs, self.nanos)
    }

    /// Bytes of its shortest encoding (seconds are zigzag varints).
    fn encoded_len(self) -> usize {
        let zigzag = ((self.secs << 1) ^ (self.secs >> 63)) as u64;
        varint_len(zigzag) + varint_len(self.nanos.into())
    }
}

/// Bytes of the shortest varint of `v` (7 bits a byte).
fn varint_len(v: u64) -> usize {
    (64 - v.leading_zeros() as usize).max(1).div_ceil(7)
}

/// Bytes of a string's shortest encoding (length varint, then UTF-8).
fn str_len(s: &str) -> usize {
    varint_len(s.len() as u64) + s.len()
}

/// The version-2 fields, in stored order (decoded one by one in
/// [`decode_v2`]).
#[derive(Serialize)]
struct V2Fields<'a> {
    created: Stamp,
    updated: Stamp,
    mood: Option<u8>,
    text: &'a str,
    tags: Vec<&'a str>,
}

/// The version-1 JSON payload.
#[derive(Deserialize)]
struct V1Fields {
    #[allow(dead_code)] // Read to check it is there; 1 is the only JSON version.
    v: u8,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    text: String,
    mood: Option<u8>,
    tags: Vec<String>,
}

/// Encodes an entry as version 2, into a buffer that is wiped when dropped.
pub(super) fn encode(
    created_at: &Timestamp,
    updated_at: &Timestamp,
    text: &str,
    mood: Option<u8>,
    tags: &[String],
) -> Result<Zeroizing<Vec<u8>>> {
    // An upper bound on the encoded size (varints: at most 10 bytes for an
    // i64 or a length, 5 for a u32). Encoding goes straight into this one
    // wiped buffer, which never reallocates, so no copy of the text is
    // left behind in freed memory.
    let bound = 1
        + 2 * (10 + 5)
        + 2
        + (10 + text.len())
        + 10
        + tags.iter().map(|t| 10 + t.len()).sum::<usize>();
    let mut out = Zeroizing::new(vec![0u8; bound]);
    out[0] = V2;
    let fields = V2Fields {
        created: Stamp::of(created_at),
        updated: Stamp::of(updated_at),
        mood,
        text,
        tags: tags.iter().map(String::as_str).collect(),
    };
    let used = postcard::to_slice(&fields, &mut out[1..])
        .map_err(|_| HavenError::invalid("the entry could not be encoded"))?
        .len();
    out.truncate(1 + used);
    Ok(out)
}

/// Decodes either version; `None` if the bytes are neither (the record is
/// then reported as corrupt by the caller, which knows its id).
pub(super) fn decode(plain: &[u8]) -> Option<View<'_>> {
    match plain.split_first() {
        Some((&V2, rest)) => decode_v2(rest),
        Some((b'{', _)) => {
            let f: V1Fields = serde_json::from_slice(plain).ok()?;
            Some(View {
                created_at: f.created_at,
                updated_at: f.updated_at,
                text: Cow::Owned(f.text),
                mood: f.mood,
                tags: Tags::Owned(f.tags),
            })
        }
        _ => None,
    }
}

/// Version 2, field by field in [`V2Fields`] order, so the tags can be
/// checked without collecting them.
///
/// Postcard accepts over-long varints (`0xff 0x00` for 127), so one entry
/// could be stored as many byte strings; only the shortest, the one
/// [`encode`] writes, is accepted (found by fuzzing, `docs/fuzzing.md`).
/// Every field but the varints has one encoding, so the input is the
/// canonical one exactly when its length is the canonical length.
fn decode_v2(mut rest: &[u8]) -> Option<View<'_>> {
    let given = rest.len();
    let created: Stamp = take(&mut rest)?;
    let updated: Stamp = take(&mut rest)?;
    let mood: Option<u8> = take(&mut rest)?;
    let text: &str = take(&mut rest)?;
    let count: usize = take(&mut rest)?;
    let bytes = rest;
    let mut canonical = created.encoded_len()
        + updated.encoded_len()
        + if mood.is_some() { 2 } else { 1 }
        + str_len(text)
        + varint_len(count as u64);
    for _ in 0..count {
        canonical += str_len(take::<&str>(&mut rest)?);
    }
    if !rest.is_empty() || canonical != given {
        return None;
    }
    Some(View {
        created_at: created.instant()?,
        updated_at: updated.instant()?,
        text: Cow::Borrowed(text),
        mood,
        tags: Tags::Encoded { count, bytes },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64, nanos: u32) -> Timestamp {
        DateTime::from_timestamp(secs, nanos).unwrap()
    }

    #[test]
    fn version_2_round_trips_exactly_and_borrows() {
        let (c, u) = (
            at(1_700_000_000, 123_456_789),
            at(1_800_000_000, 999_999_999),
        );
        let tags = vec!["sleep".to_string(), "Écoute".to_string()];
        let bytes = encode(&c, &u, "a day, \"quoted\"\n", Some(7), &tags).unwrap();
        assert_eq!(bytes[0], V2);
        let v = decode(&bytes).unwrap();
        assert_eq!((v.created_at, v.updated_at, v.mood), (c, u, Some(7)));
        assert!(matches!(v.text, Cow::Borrowed("a day, \"quoted\"\n")));
        assert!(v.tags.any(|t| t == "Écoute"));
        assert!(!v.tags.any(|t| t == "none"));
        assert_eq!(v.tags.into_vec(), tags);
    }

    /// The size bound covers the largest entry the journal accepts (1 MiB
    /// of text, 32 tags of 64 four-byte characters) and extreme dates;
    /// encoding into a too-small buffer would fail, not reallocate.
    #[test]
    fn the_largest_entry_fits_the_size_bound() {
        let text = "é".repeat(crate::journal::MAX_TEXT_BYTES / 2);
        let tags: Vec<String> = (0..crate::journal::MAX_TAGS)
            .map(|i| format!("{i:02}{}", "𝄞".repeat(crate::journal::MAX_TAG_CHARS - 2)))
            .collect();
        let (early, late) = (DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
        let bytes = encode(&early, &late, &text, Some(10), &tags).unwrap();
        let v = decode(&bytes).unwrap();
        assert_eq!((v.created_at, v.updated_at), (early, late));
        assert_eq!(v.text, text);
        assert_eq!(v.tags.into_vec(), tags);
    }

    /// Where each varint of an encoded entry starts and how long it is,
    /// found by reading the fields in stored order.
    fn varint_spans(p: &[u8]) -> Vec<(usize, usize)> {
        enum F {
            Varint,
            Mood,
            Str,
        }
        let fields = [
            F::Varint,
            F::Varint,
            F::Varint,
            F::Varint,
            F::Mood,
            F::Str,
            F::Varint,
            F::Str,
        ];
        let mut spans = Vec::new();
        let mut at = 1;
        for f in fields {
            match f {
                F::Mood => at += if p[at] == 0 { 1 } else { 2 },
                F::Varint | F::Str => {
                    let (v, rest) = postcard::take_from_bytes::<u64>(&p[at..]).unwrap();
                    let len = p.len() - rest.len() - at;
                    spans.push((at, len));
                    at += len + if matches!(f, F::Str) { v as usize } else { 0 };
                }
            }
        }
        assert_eq!(at, p.len());
        spans
    }

    /// Postcard reads `0xff 0x00` as 127, like `0x7f`: every varint of an
    /// entry (dates, lengths, the tag count) must be the shortest, so one
    /// entry has one encoding (a fuzzing finding, `docs/fuzzing.md`).
    #[test]
    fn test_overlong_varints_are_refused_so_each_entry_has_one_encoding() {
        assert_eq!(varint_len(0), 1);
        assert_eq!(varint_len(127), 1);
        assert_eq!(varint_len(128), 2);
        assert_eq!(varint_len(u64::MAX), 10);
        let (c, u) = (at(1_700_000_000, 5), at(-1, 999_999_999));
        let good = encode(&c, &u, "text", Some(4), &["tag".to_string()]).unwrap();
        assert!(decode(&good).is_some());
        let spans = varint_spans(&good);
        assert_eq!(spans.len(), 7);
        for (start, len) in spans {
            // The same value, one byte longer.
            let mut long = good[..start + len].to_vec();
            long[start + len - 1] |= 0x80;
            long.push(0);
            long.extend_from_slice(&good[start + len..]);
            let same: u64 = postcard::from_bytes(&long[start..start + len + 1]).unwrap();
            let was: u64 = postcard::from_bytes(&good[start..start + len]).unwrap();
            assert_eq!(same, was);
            assert!(
                decode(&long).is_none(),
                "over-long varint at byte {start} accepted"
            );
        }
        // The input the fuzzer found: a tag count of 127 written in two bytes.
        assert!(decode(&[2, 51, 0, 2, 255, 0, 0, 0, 0]).is_none());
    }

    #[test]
    fn version_1_json_still_decodes() {
        let json = br#"{"v":1,"created_at":"2026-01-02T03:04:05.678Z","updated_at":"2026-01-02T03:04:05.678Z","text":"tea \u00e9","mood":null,"tags":["x"]}"#;
        let v = decode(json).unwrap();
        assert_eq!(v.text, "tea é");
        assert_eq!(v.tags.into_vec(), vec!["x"]);
        assert_eq!(v.created_at.timestamp_subsec_millis(), 678);
    }

    #[test]
    fn garbage_truncation_and_trailing_bytes_are_rejected() {
        let now = at(1_700_000_000, 0);
        let bytes = encode(&now, &now, "text", None, &["a tag".to_string()]).unwrap();
        for n in 0..bytes.len() {
            assert!(decode(&bytes[..n]).is_none(), "prefix of {n} bytes");
        }
        let mut longer = bytes.to_vec();
        longer.push(0);
        assert!(decode(&longer).is_none());
        assert!(decode(&[3, 0, 0]).is_none());
        assert!(decode(b"{not json").is_none());
        // Invalid UTF-8 in the text.
        let mut bad = bytes.to_vec();
        let at_text = bad.len() - 7 - 4;
        bad[at_text] = 0xff;
        assert!(decode(&bad).is_none());
        // Invalid UTF-8 in a tag.
        let mut bad = bytes.to_vec();
        let last = bad.len() - 1;
        bad[last] = 0xff;
        assert!(decode(&bad).is_none());
        // Nanoseconds out of range.
        let stamp = V2Fields {
            created: Stamp {
                secs: 0,
                nanos: 2_000_000_000,
            },
            updated: Stamp { secs: 0, nanos: 0 },
            mood: None,
            text: "",
            tags: vec![],
        };
        let mut odd = vec![V2];
        odd.extend(postcard::to_allocvec(&stamp).unwrap());
        assert!(decode(&odd).is_none());
    }
}
