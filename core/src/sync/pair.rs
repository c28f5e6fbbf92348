//! Pairing a new device into a space (ADR 0015, "Pairing"): the code a
//! member shows, the password-authenticated key exchange it keys, and the
//! two sealed messages that follow.
//!
//! Why it is built this way:
//! - **A short code, not a key.** The person types the code on the new
//!   device (the CLI has no camera), so it is a mailbox number and three
//!   words from the BIP-39 English list (`bip39` crate: 2048 words, each
//!   known by its first four letters, so "abou" is "about"). 33 bits of
//!   words are enough because the code only keys SPAKE2 (`spake2` crate,
//!   RustCrypto), a balanced PAKE: the relay carrying the messages learns
//!   nothing it could test guesses against offline, and anyone in the
//!   middle gets one online guess per pairing, which the person sees fail.
//! - **Nothing is disclosed before the joiner proves the code.** The
//!   joiner's first sealed message (its device id and signing key) proves
//!   it derived the same key; only then does the member seal the welcome
//!   (vault key, space keys, members, frontier). Each side's state is
//!   consumed by a failure, so one pairing allows one guess.
//! - **A check code for the person.** Both screens show six digits derived
//!   from the exchanged key; they match only if both sides ran the exchange
//!   with each other (not with someone who also knew the code, e.g. read it
//!   over the person's shoulder).
//! - **One key per message.** Each direction's key seals exactly one
//!   message, so a fixed nonce is safe and nothing about nonces travels.

use std::fmt;

use spake2::{Ed25519Group, Identity, Password, Spake2};
use zeroize::Zeroizing;

use super::error::{DecodeError, PairError};
use super::ids::{DeviceId, Head, SpaceId};
use super::wire::{Reader, Writer};
use crate::share::primitives::{aes_open, aes_seal, hkdf32};

/// How many words a pairing code has.
pub const CODE_WORDS: usize = 3;
/// Mailbox numbers run from 1 to this (four digits to type).
pub const MAX_MAILBOX: u16 = 9999;
/// Most members and frontier heads a welcome carries (as entries' deps).
pub const MAX_MEMBERS: usize = super::entry::MAX_DEPS;
/// Most space-key epochs a welcome carries.
pub const MAX_EPOCHS: usize = 64;

const ID_MEMBER: &[u8] = b"haven-sync-pair-v1 member";
const ID_JOINER: &[u8] = b"haven-sync-pair-v1 joiner";
const MAGIC: [u8; 3] = *b"HSP";
const VERSION: u8 = 1;
const HELLO: u8 = 1;
const WELCOME: u8 = 2;
const NONCE: [u8; 12] = [0; 12];

fn words() -> &'static [&'static str; 2048] {
    bip39::Language::English.word_list()
}

/// The code shown on a member and typed on the new device. `Debug` hides
/// it: whoever holds it can take part in the pairing.
#[derive(Clone, PartialEq, Eq)]
pub struct PairingCode {
    mailbox: u16,
    words: [u16; CODE_WORDS],
}

impl fmt::Debug for PairingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PairingCode(..)")
    }
}

impl PairingCode {
    /// A fresh random code.
    pub fn generate() -> Result<Self, PairError> {
        let mut bytes = Zeroizing::new([0u8; 2 + 2 * CODE_WORDS]);
        crate::crypto::keys::fill(bytes.as_mut_slice()).map_err(|_| PairError::Crypto)?;
        let mailbox = u16::from_be_bytes([bytes[0], bytes[1]]) % MAX_MAILBOX + 1;
        let mut words = [0u16; CODE_WORDS];
        for (i, w) in words.iter_mut().enumerate() {
            *w = u16::from_be_bytes([bytes[2 + 2 * i], bytes[3 + 2 * i]]) % 2048;
        }
        Ok(Self { mailbox, words })
    }

    /// Reads a code as typed: the mailbox number and the words, separated
    /// by dashes or spaces, in any case; a word may be given by its first
    /// four letters (or more).
    pub fn parse(text: &str) -> Result<Self, PairError> {
        let lower = text.trim().to_lowercase();
        let mut parts = lower
            .split(|c: char| c == '-' || c.is_whitespace())
            .filter(|p| !p.is_empty());
        let mailbox = parts
            .next()
            .and_then(|m| m.parse::<u16>().ok())
            .filter(|m| (1..=MAX_MAILBOX).contains(m))
            .ok_or(PairError::MistypedCode)?;
        let mut words = [0u16; CODE_WORDS];
        for w in &mut words {
            *w = parts
                .next()
                .and_then(find_word)
                .ok_or(PairError::MistypedCode)?;
        }
        if parts.next().is_some() {
            return Err(PairError::MistypedCode);
        }
        Ok(Self { mailbox, words })
    }

    /// The code as shown: `417-ocean-dragon-lamp`.
    pub fn display(&self) -> Zeroizing<String> {
        let mut out = Zeroizing::new(self.mailbox.to_string());
        for w in self.words {
            out.push('-');
            out.push_str(words()[usize::from(w)]);
        }
        out
    }

    /// The mailbox at the relay both devices post their messages to.
    pub fn mailbox(&self) -> u16 {
        self.mailbox
    }

    fn password(&self) -> Zeroizing<Vec<u8>> {
        let mut p = Zeroizing::new(b"haven-sync-pair-v1\0".to_vec());
        p.extend_from_slice(&self.mailbox.to_be_bytes());
        for w in self.words {
            p.extend_from_slice(&w.to_be_bytes());
        }
        p
    }
}

/// A whole word, or a prefix of at least four letters of exactly one word.
fn find_word(typed: &str) -> Option<u16> {
    let list = bip39::Language::English;
    if let Some(i) = list.find_word(typed) {
        return Some(i);
    }
    if typed.len() < 4 {
        return None;
    }
    let mut matches = list.words_by_prefix_iter(typed);
    match (matches.next(), matches.next()) {
        (Some(one), None) => list.find_word(one),
        _ => None,
    }
}

/// The keys both sides derive from the exchange.
struct Keys {
    to_member: Zeroizing<[u8; 32]>,
    to_joiner: Zeroizing<[u8; 32]>,
    check: String,
}

impl Keys {
    fn derive(shared: &[u8]) -> Self {
        let salt = b"haven-sync-pair-v1";
        let check = hkdf32(salt, shared, b"check code");
        let n = u32::from_be_bytes([check[0], check[1], check[2], check[3]]) % 1_000_000;
        Self {
            to_member: hkdf32(salt, shared, b"joiner to member"),
            to_joiner: hkdf32(salt, shared, b"member to joiner"),
            check: format!("{:03} {:03}", n / 1000, n % 1000),
        }
    }
}

fn finish(state: Spake2<Ed25519Group>, peer: &[u8]) -> Result<Keys, PairError> {
    let shared = Zeroizing::new(state.finish(peer).map_err(|_| PairError::BadMessage)?);
    Ok(Keys::derive(&shared))
}

fn seal(key: &[u8; 32], kind: u8, plain: &[u8]) -> Result<Vec<u8>, PairError> {
    let header = [MAGIC[0], MAGIC[1], MAGIC[2], VERSION, kind];
    let sealed = aes_seal(key, &NONCE, &header, plain).map_err(|_| PairError::Crypto)?;
    Ok([header.as_slice(), &sealed].concat())
}

fn open(key: &[u8; 32], kind: u8, bytes: &[u8]) -> Result<Zeroizing<Vec<u8>>, PairError> {
    let mut r = Reader::new(bytes);
    if r.array::<3>()? != MAGIC {
        return Err(DecodeError::BadMagic.into());
    }
    let version = r.u8()?;
    if version != VERSION {
        return Err(DecodeError::UnsupportedVersion(version).into());
    }
    if r.u8()? != kind {
        return Err(PairError::BadMessage);
    }
    let header = bytes.get(..5).ok_or(DecodeError::Truncated)?;
    aes_open(key, &NONCE, header, r.take(r.rest())?)
        .map_err(|_| PairError::Crypto)?
        .ok_or(PairError::WrongCode)
}

/// The member's side, before the joiner's message has arrived.
pub struct Member(Spake2<Ed25519Group>);

/// The joiner's side, before the member's message has arrived.
pub struct Joiner(Spake2<Ed25519Group>);

impl Member {
    /// Starts the exchange; the message goes to the mailbox.
    pub fn start(code: &PairingCode) -> (Self, Vec<u8>) {
        let (state, msg) = Spake2::<Ed25519Group>::start_a(
            &Password::new(code.password().as_slice()),
            &Identity::new(ID_MEMBER),
            &Identity::new(ID_JOINER),
        );
        (Self(state), msg)
    }

    /// Takes the joiner's exchange message.
    pub fn finish(self, joiner_msg: &[u8]) -> Result<MemberChannel, PairError> {
        Ok(MemberChannel(finish(self.0, joiner_msg)?))
    }
}

impl Joiner {
    /// Starts the exchange; the message goes to the mailbox.
    pub fn start(code: &PairingCode) -> (Self, Vec<u8>) {
        let (state, msg) = Spake2::<Ed25519Group>::start_b(
            &Password::new(code.password().as_slice()),
            &Identity::new(ID_MEMBER),
            &Identity::new(ID_JOINER),
        );
        (Self(state), msg)
    }

    /// Takes the member's exchange message.
    pub fn finish(self, member_msg: &[u8]) -> Result<JoinerChannel, PairError> {
        Ok(JoinerChannel(finish(self.0, member_msg)?))
    }
}

/// The member's side once the exchange is done.
pub struct MemberChannel(Keys);

/// The joiner's side once the exchange is done.
pub struct JoinerChannel(Keys);

// The states hold keys: `Debug` names the state only.
macro_rules! opaque_debug {
    ($($t:ident),*) => {$(
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($t)).finish_non_exhaustive()
            }
        }
    )*};
}
opaque_debug!(
    Member,
    Joiner,
    MemberChannel,
    JoinerChannel,
    ConfirmedMember
);

/// Who is joining: what the member announces in its log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewDevice {
    /// The new device's id.
    pub device: DeviceId,
    /// Its Ed25519 public key.
    pub public: [u8; 32],
}

impl JoinerChannel {
    /// The six digits to compare with the member's screen.
    pub fn check_code(&self) -> &str {
        &self.0.check
    }

    /// The joiner's first message: who it is, sealed so that only a member
    /// that used the same code opens it.
    pub fn hello(&self, me: &NewDevice) -> Result<Vec<u8>, PairError> {
        let mut plain = me.device.0.to_vec();
        plain.extend_from_slice(&me.public);
        seal(&self.0.to_member, HELLO, &plain)
    }

    /// Opens the member's welcome.
    pub fn open_welcome(self, bytes: &[u8]) -> Result<Welcome, PairError> {
        let plain = open(&self.0.to_joiner, WELCOME, bytes)?;
        Ok(Welcome::decode(&plain)?)
    }
}

impl MemberChannel {
    /// The six digits to compare with the new device's screen.
    pub fn check_code(&self) -> &str {
        &self.0.check
    }

    /// Opens the joiner's hello. `WrongCode` means the other side did not
    /// use this code (mistyped, or someone else): the pairing is over.
    pub fn open_hello(self, bytes: &[u8]) -> Result<(ConfirmedMember, NewDevice), PairError> {
        let plain = open(&self.0.to_member, HELLO, bytes)?;
        let mut r = Reader::new(&plain);
        let device = DeviceId(r.array()?);
        let public = r.array()?;
        r.finish()?;
        Ok((ConfirmedMember(self.0), NewDevice { device, public }))
    }
}

/// The member's side once the joiner has proved the code.
pub struct ConfirmedMember(Keys);

impl ConfirmedMember {
    /// The six digits (as on [`MemberChannel::check_code`]).
    pub fn check_code(&self) -> &str {
        &self.0.check
    }

    /// Seals the welcome; send it once the person has confirmed that both
    /// check codes match.
    pub fn welcome(self, welcome: &Welcome) -> Result<Vec<u8>, PairError> {
        let plain = Zeroizing::new(welcome.encode()?);
        seal(&self.0.to_joiner, WELCOME, &plain)
    }
}

/// What a new device needs to join: the vault key (so it opens what the
/// recovery key and passphrase slots open), the space, every key epoch
/// still in use, the members and the member's frontier.
#[derive(Clone, PartialEq, Eq)]
pub struct Welcome {
    /// The vault key.
    pub vault_key: Zeroizing<[u8; 32]>,
    /// The space.
    pub space: SpaceId,
    /// Space keys by epoch, ascending, each epoch once.
    pub space_keys: Vec<(u32, Zeroizing<[u8; 32]>)>,
    /// Members and their public keys, ascending by id, each once.
    pub members: Vec<(DeviceId, [u8; 32])>,
    /// The heads of the logs the member had applied, ascending by id.
    pub frontier: Vec<(DeviceId, Head)>,
}

impl fmt::Debug for Welcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Welcome")
            .field("space", &self.space)
            .field("epochs", &self.space_keys.len())
            .field("members", &self.members.len())
            .field("frontier", &self.frontier)
            .finish_non_exhaustive()
    }
}

fn ascending<T, K: Ord>(items: &[T], key: impl Fn(&T) -> K) -> bool {
    items.windows(2).all(|w| key(&w[0]) < key(&w[1]))
}

impl Welcome {
    fn canonical(&self) -> bool {
        !self.space_keys.is_empty()
            && self.space_keys.len() <= MAX_EPOCHS
            && self.members.len() <= MAX_MEMBERS
            && self.frontier.len() <= MAX_MEMBERS
            && self.frontier.iter().all(|(_, h)| h.seq >= 1)
            && ascending(&self.space_keys, |(e, _)| *e)
            && ascending(&self.members, |(d, _)| *d)
            && ascending(&self.frontier, |(d, _)| *d)
    }

    /// The one encoding of a welcome; `NotCanonical` for lists out of
    /// order, repeated, empty keys or over their limits.
    pub fn encode(&self) -> Result<Vec<u8>, PairError> {
        if !self.canonical() {
            return Err(DecodeError::NotCanonical.into());
        }
        let mut w = Writer(Vec::new());
        w.bytes(self.vault_key.as_slice());
        w.bytes(&self.space.0);
        // Lengths fit: checked against the limits above.
        w.u16(self.space_keys.len() as u16);
        for (epoch, key) in &self.space_keys {
            w.u32(*epoch);
            w.bytes(key.as_slice());
        }
        w.u16(self.members.len() as u16);
        for (d, public) in &self.members {
            w.bytes(&d.0);
            w.bytes(public);
        }
        w.u16(self.frontier.len() as u16);
        for (d, head) in &self.frontier {
            w.bytes(&d.0);
            w.u64(head.seq);
            w.bytes(&head.hash);
        }
        Ok(w.0)
    }

    /// Reads a welcome's plaintext; only its one encoding is accepted.
    pub fn decode(bytes: &[u8]) -> Result<Welcome, DecodeError> {
        let mut r = Reader::new(bytes);
        let vault_key = Zeroizing::new(r.array()?);
        let space = SpaceId(r.array()?);
        let n = count(&mut r, MAX_EPOCHS, 36)?;
        let mut space_keys = Vec::with_capacity(n);
        for _ in 0..n {
            let epoch = r.u32()?;
            space_keys.push((epoch, Zeroizing::new(r.array()?)));
        }
        let n = count(&mut r, MAX_MEMBERS, 48)?;
        let mut members = Vec::with_capacity(n);
        for _ in 0..n {
            members.push((DeviceId(r.array()?), r.array()?));
        }
        let n = count(&mut r, MAX_MEMBERS, 56)?;
        let mut frontier = Vec::with_capacity(n);
        for _ in 0..n {
            let d = DeviceId(r.array()?);
            let seq = r.u64()?;
            frontier.push((
                d,
                Head {
                    seq,
                    hash: r.array()?,
                },
            ));
        }
        r.finish()?;
        let welcome = Welcome {
            vault_key,
            space,
            space_keys,
            members,
            frontier,
        };
        if !welcome.canonical() {
            return Err(DecodeError::NotCanonical);
        }
        Ok(welcome)
    }
}

/// A list's count, refused above `max` or beyond the bytes left (each item
/// `size` bytes) before anything is allocated.
fn count(r: &mut Reader<'_>, max: usize, size: usize) -> Result<usize, DecodeError> {
    let n = usize::from(r.u16()?);
    if n > max {
        return Err(DecodeError::TooLarge);
    }
    if r.rest() < n * size {
        return Err(DecodeError::Truncated);
    }
    Ok(n)
}
