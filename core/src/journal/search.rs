//! Matching search queries against decrypted entries.
//!
//! Search must decrypt and test every entry (there is no plaintext index),
//! so the test is a hot loop: ASCII text against an ASCII query is compared
//! in place, and only other text pays for full Unicode folding.

use unicode_normalization::{IsNormalized, UnicodeNormalization};
use zeroize::Zeroizing;

/// Lower-cases for matching: NFC, then case folding by `to_lowercase` (full
/// Unicode, e.g. "ÉTÉ" matches "été"). The copy is the person's words, so
/// it is wiped when dropped (the intermediate buffers that `to_lowercase`
/// and `nfc` grow through are not: see docs/performance.md, left undone).
pub(super) fn fold(s: &str) -> Zeroizing<String> {
    Zeroizing::new(
        if unicode_normalization::is_nfc_quick(s.chars()) == IsNormalized::Yes {
            s.to_lowercase()
        } else {
            Zeroizing::new(s.nfc().collect::<String>()).to_lowercase()
        },
    )
}

/// Whether `text` contains the folded query `q`. When both are ASCII, full
/// Unicode folding equals ASCII folding, so the text is compared in place
/// without building a lower-cased copy. (Non-ASCII text must take the slow
/// path: e.g. the Kelvin sign lower-cases to an ASCII `k`.)
pub(super) fn matches(text: &str, q: &str) -> bool {
    if q.is_ascii() && text.is_ascii() {
        contains_ascii_ignore_case(text.as_bytes(), q.as_bytes())
    } else {
        fold(text).contains(q)
    }
}

/// `needle` must be ASCII lower-case. Search decrypts and scans every
/// entry, so this is a hot loop: memchr finds candidates for the first byte
/// (either case) with SIMD, and only those are compared in full.
fn contains_ascii_ignore_case(hay: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    let Some(last_start) = hay.len().checked_sub(needle.len()) else {
        return false;
    };
    let starts = &hay[..=last_start];
    let rest_matches = |i: usize| hay[i + 1..i + needle.len()].eq_ignore_ascii_case(rest);
    if first.is_ascii_alphabetic() {
        memchr::memchr2_iter(first, first.to_ascii_uppercase(), starts).any(rest_matches)
    } else {
        memchr::memchr_iter(first, starts).any(rest_matches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_fast_path_matches_like_full_folding() {
        assert!(matches("A Quiet Morning", &fold("quiet")));
        assert!(matches("A Quiet Morning", &fold("MORNING")));
        assert!(!matches("A Quiet Morning", &fold("evening")));
        assert!(matches("ab", &fold("AB")));
        assert!(!matches("a", &fold("ab")));
        assert!(matches("x@b", &fold("@B")));
        assert!(!matches("x`b", &fold("@b")));
        let long = format!("{}Zephyrine", "y".repeat(100));
        assert!(matches(&long, &fold("zephyrine")));
        assert!(!matches(&long[..long.len() - 1], &fold("zephyrine")));
        // Non-ASCII text that folds to ASCII still matches an ASCII query.
        assert!(matches("7 \u{212A}ELVIN", &fold("kelvin")));
        assert!(matches("ÉTÉ chaud", &fold("été")));
        assert!(matches("e\u{301}te\u{301}", &fold("ÉTÉ")));
    }
}
