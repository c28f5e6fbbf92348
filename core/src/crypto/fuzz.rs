//! Fuzz checks for the record envelope (every version) and the recovery-key
//! parser; see `crate::fuzzing` for how checks are run.

// A failed property panics: that is the fuzzer's crash (see `crate::fuzzing`).
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use super::envelope::{self, BulkOpener, ENVELOPE_VERSION, OVERHEAD};
use super::recovery::RecoveryKey;
use crate::error::{HavenError, Internal};
use crate::fuzzing::{known_key, Input};

const AAD: &[u8] = b"haven-fuzz-envelope";

/// First byte even: the rest is an envelope as read from disk. Odd: the rest
/// is `version | nonce (12) | flip (u16) | plaintext`, sealed as that
/// version under the known key, then opened, then opened again with one
/// bit flipped.
pub fn check_envelope(data: &[u8]) {
    let mut input = Input(data);
    if input.u8() & 1 == 0 {
        stored(input.rest());
    } else {
        sealed(&mut input);
    }
}

/// Opens `env` both ways a vault does (one record, and in place during a
/// bulk read); they must agree, and the error must be the one the layout
/// calls for.
fn open_both(env: &[u8]) -> Result<Vec<u8>, Internal> {
    let key = known_key();
    let one = envelope::open(&key, AAD, env);
    let mut buf = env.to_vec();
    let bulk = BulkOpener::new(&key)
        .open_in_place(AAD, &mut buf)
        .map(|p| p.to_vec());
    match (&one, &bulk) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "the two read paths decrypt differently"),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        _ => panic!("one read path opens what the other refuses"),
    }
    one
}

fn stored(env: &[u8]) {
    let result = open_both(env);
    match (env.first(), result) {
        (None, r) => assert!(matches!(r, Err(Internal::Unauthentic))),
        (Some(&v), r) if v == 0 || v > ENVELOPE_VERSION => {
            assert!(matches!(r, Err(Internal::EnvelopeVersion(found)) if found == v))
        }
        (Some(_), r) if env.len() < OVERHEAD => assert!(matches!(r, Err(Internal::Unauthentic))),
        // Only a real seal opens (seed envelopes are real): it is exactly
        // what sealing its plaintext with its own version and nonce gives.
        (Some(&v), Ok(plain)) => {
            let nonce: [u8; 12] = env[1..13].try_into().unwrap();
            let again = envelope::seal_with_nonce(v, &known_key(), nonce, AAD, &plain).unwrap();
            assert_eq!(again, env, "an envelope that opens is not canonical");
        }
        (Some(_), r) => assert!(matches!(r, Err(Internal::Unauthentic))),
    }
}

fn sealed(input: &mut Input<'_>) {
    let version = input.u8();
    let nonce: [u8; 12] = std::array::from_fn(|_| input.u8());
    let flip = input.u16() as usize;
    let plain = input.rest();
    let env = match envelope::seal_with_nonce(version, &known_key(), nonce, AAD, plain) {
        Ok(env) => env,
        Err(e) => {
            assert!(
                matches!(e, Internal::EnvelopeVersion(v) if v == version),
                "sealing as version {version} failed with {e}"
            );
            assert!(version == 0 || version > ENVELOPE_VERSION);
            return;
        }
    };
    assert_eq!(env.len(), plain.len() + OVERHEAD);
    assert_eq!(open_both(&env).unwrap(), plain);
    let mut tampered = env;
    let bit = flip % (tampered.len() * 8);
    tampered[bit / 8] ^= 1 << (bit % 8);
    match open_both(&tampered) {
        Err(Internal::Unauthentic) => {}
        Err(Internal::EnvelopeVersion(v)) => assert_eq!(bit / 8, 0, "version {v}"),
        other => panic!("a flipped bit was not detected: {:?}", other.map(|_| ())),
    }
}

/// The input as typed text: a key parses only if, once the forgiven
/// characters (case, spaces, dashes) are cleaned away, it is exactly the
/// form [`RecoveryKey::display`] prints; everything else is a typo.
pub fn check_recovery_key(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match RecoveryKey::parse(&text) {
        Ok(key) => {
            let shown = key.display();
            assert_eq!(RecoveryKey::parse(&shown).unwrap(), key);
            let cleaned: String = text
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .map(|c| c.to_ascii_uppercase())
                .collect();
            assert_eq!(cleaned, shown.replace('-', ""), "two spellings of one key");
        }
        Err(e) => assert!(matches!(e, HavenError::MistypedRecoveryKey), "{e}"),
    }
}
