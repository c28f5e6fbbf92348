//! Fuzz checks for the backup file: its header and its chunk stream. See
//! `crate::fuzzing` for how checks are run.

// A failed property panics: that is the fuzzer's crash (see `crate::fuzzing`).
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use super::{
    chunk_aad, chunks_for, decrypt_chunks, sha256, Header, CHUNK_SIZE, FORMAT_V1, FORMAT_VERSION,
    LEN_PREFIX, MAGIC, PREAMBLE_LEN,
};
use crate::crypto::{self, SecretKey};
use crate::error::HavenError;
use crate::fuzzing::{Input, VAULT_ID};
use crate::progress::Silent;
use crate::schema;

/// `body` framed as a header of `format`: magic, format, length, body and
/// checksum, so the fuzzer's body gets past the checksum.
fn frame(body: &[u8], format: u16) -> Vec<u8> {
    let mut out = Vec::with_capacity(PREAMBLE_LEN + body.len() + 32);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&format.to_le_bytes());
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend_from_slice(body);
    let hash = sha256(&out);
    out.extend_from_slice(&hash);
    out
}

/// First byte even: the rest is the start of a backup file. Odd: the rest
/// is a header body, framed with a correct checksum (as format 1 when the
/// byte's second bit is set, else as format 2). A header that reads
/// re-encodes to exactly the bytes read (the format is canonical), with the
/// same hash; anything else is refused as a bad backup, an unsupported
/// version, or a slot cost out of bounds.
pub fn check_backup_header(data: &[u8]) {
    let mut input = Input(data);
    let mode = input.u8();
    let rest = input.rest();
    let bytes = if mode & 1 == 0 {
        rest.to_vec()
    } else if mode & 2 == 0 {
        frame(rest, FORMAT_VERSION)
    } else {
        frame(rest, FORMAT_V1)
    };
    match Header::read(&mut &bytes[..]) {
        Ok((header, hash, len)) => {
            let (again, again_hash) = header.encode().unwrap();
            assert_eq!(&again[..], &bytes[..len as usize], "header not canonical");
            assert_eq!(again_hash, hash);
            header.file_len(len);
        }
        Err(e) => assert!(
            matches!(
                e,
                HavenError::BadBackup { .. }
                    | HavenError::UnsupportedVersion { .. }
                    // A passphrase slot's cost out of bounds is refused
                    // while parsing, before any derivation (issue 9).
                    | HavenError::KdfParamsOutOfBounds
            ),
            "{e:?}"
        ),
    }
}

/// A header for `chunk_count` chunks with one recovery slot.
fn header_for(chunk_count: u64) -> (Header, [u8; 32]) {
    let mut body = Vec::new();
    body.extend_from_slice(&[7; 16]);
    body.push(VAULT_ID.len() as u8);
    body.extend_from_slice(VAULT_ID.as_bytes());
    body.extend_from_slice(&schema::LATEST.to_le_bytes());
    body.extend_from_slice(&[9; 32]);
    body.extend_from_slice(&(CHUNK_SIZE as u32).to_le_bytes());
    body.extend_from_slice(&chunk_count.to_le_bytes());
    body.extend_from_slice(&[1, 2, 2, b'a', b'b', 0, 1, 0, 1, 0]);
    let (header, hash, _) = Header::read(&mut &frame(&body, FORMAT_V1)[..]).unwrap();
    (header, hash)
}

/// Input: `chunk count (1-3) | length mode | length (u64) | tampering |
/// pokes`, each poke `chunk | offset (u16) | xor`. The plaintext stream
/// (`length (u64) | snapshot | zeros`, the snapshot's bytes derived from
/// the length) is built as a writer would, then poked, then each chunk
/// sealed under the known key with its true associated data, then the
/// sealed stream tampered with (chunks swapped, dropped, repeated, a byte
/// appended). The reader must restore exactly the snapshot when the
/// stream is well formed and untampered, and refuse it as a bad backup
/// otherwise.
pub fn check_backup_chunks(data: &[u8]) {
    let mut input = Input(data);
    let count = 1 + u64::from(input.u8() % 3);
    let length_mode = input.u8();
    let raw_length = input.u64();
    let tamper = input.u8();
    let n = count as usize;

    // A length that fits the chunk count, unless the fuzzer asks for its own.
    let length = if length_mode & 1 == 1 {
        raw_length
    } else {
        let hi = count * CHUNK_SIZE as u64 - LEN_PREFIX as u64;
        let lo = ((count - 1) * CHUNK_SIZE as u64).saturating_sub(LEN_PREFIX as u64 - 1);
        lo + raw_length % (hi - lo + 1)
    };
    let mut stream = vec![0u8; n * CHUNK_SIZE];
    stream[..LEN_PREFIX].copy_from_slice(&length.to_le_bytes());
    let end = (LEN_PREFIX as u64)
        .saturating_add(length)
        .min(stream.len() as u64) as usize;
    for (i, b) in stream[LEN_PREFIX..end].iter_mut().enumerate() {
        *b = (i as u8).wrapping_mul(31).wrapping_add(1);
    }
    while !input.0.is_empty() {
        let chunk = input.u8() as usize % n;
        let offset = input.u16() as usize % CHUNK_SIZE;
        stream[chunk * CHUNK_SIZE + offset] ^= input.u8();
    }

    // What a correct reader makes of the (poked) stream.
    let declared = u64::from_le_bytes(stream[..LEN_PREFIX].try_into().unwrap());
    let expected = match chunks_for(declared) {
        Some(c) if c == count => {
            let end = LEN_PREFIX + declared as usize;
            stream[end..]
                .iter()
                .all(|b| *b == 0)
                .then(|| stream[LEN_PREFIX..end].to_vec())
        }
        _ => None,
    };

    let (header, hash) = header_for(count);
    let key = SecretKey::from_bytes([0x33; 32]);
    let mut sealed: Vec<Vec<u8>> = stream
        .chunks(CHUNK_SIZE)
        .enumerate()
        .map(|(i, plain)| crypto::seal(&key, &chunk_aad(&header, &hash, i as u64), plain).unwrap())
        .collect();
    let mut tampered = false;
    if tamper & 1 == 1 && n >= 2 {
        sealed.swap(0, 1);
        tampered = true;
    }
    if tamper & 2 == 2 {
        sealed.pop();
        tampered = true;
    }
    if tamper & 4 == 4 {
        if let Some(last) = sealed.last().cloned() {
            sealed.push(last);
            tampered = true;
        }
    }
    let mut file: Vec<u8> = sealed.concat();
    if tamper & 8 == 8 {
        file.push(tamper);
        tampered = true;
    }

    let mut out = Vec::new();
    let got = decrypt_chunks(&mut &file[..], &header, &hash, &key, &mut out, &Silent);
    match (got, expected) {
        (Ok(()), Some(snapshot)) if !tampered => assert!(out == snapshot, "restored other bytes"),
        (Ok(()), _) => panic!("a malformed or tampered chunk stream was restored"),
        (Err(e), expected) => {
            assert!(matches!(e, HavenError::BadBackup { .. }), "{e:?}");
            assert!(
                tampered || expected.is_none(),
                "a well-formed chunk stream was refused"
            );
        }
    }
}
