//! The operations a device writes to its log, and their one encoding.
//!
//! Bodies (`content`, `body`) are the record payloads as the vault encodes
//! them: opaque here, and never shown by `Debug`. The relay never sees an
//! operation: it travels inside a sealed blob (`blob.rs`).
//!
//! Layout: one tag byte, then fixed fields in order, bodies as a u32 length
//! and bytes. Every value has exactly one encoding; `decode` refuses any
//! other (a second look at the same bytes gives the same operation).

use std::fmt;

use super::error::DecodeError;
use super::wire::{Reader, Writer};

/// Largest body of one operation, in bytes (a document version with all
/// its sections is far below this).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A record id (journal entry, document, attached record): 16 random bytes.
pub type RecordId = [u8; 16];

/// What is attached, append-only, to a document version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum AttachKind {
    /// A professional's or witness's sign-off.
    SignOff,
    /// A consultation review.
    Review,
    /// A recorded departure from the statement.
    Departure,
}

/// A change of a document's standing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusChange {
    /// This version becomes the one in force.
    Activate,
    /// The document is revoked.
    Revoke,
}

/// One operation.
#[derive(Clone, PartialEq, Eq)]
pub enum Op {
    /// A journal entry written (`Some`, a new revision) or deleted (`None`).
    Journal {
        /// The entry.
        record: RecordId,
        /// The payload, or `None` for a delete.
        content: Option<Vec<u8>>,
    },
    /// A document version, named by its content hash.
    Version {
        /// The document.
        document: RecordId,
        /// The version's (salted) content hash.
        hash: [u8; 32],
        /// The version's payload.
        body: Vec<u8>,
    },
    /// A record attached to a document version (never changed afterwards).
    Attach {
        /// The document.
        document: RecordId,
        /// The version it is attached to.
        version: [u8; 32],
        /// What it is.
        kind: AttachKind,
        /// Its own id.
        record: RecordId,
        /// Its payload.
        body: Vec<u8>,
    },
    /// A document's status changed.
    Status {
        /// The document.
        document: RecordId,
        /// The version concerned.
        version: [u8; 32],
        /// The change.
        change: StatusChange,
    },
}

impl fmt::Debug for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Payloads are what the person wrote: lengths only.
        match self {
            Op::Journal { content, .. } => f
                .debug_struct("Journal")
                .field("bytes", &content.as_ref().map(Vec::len))
                .finish_non_exhaustive(),
            Op::Version { body, .. } => f
                .debug_struct("Version")
                .field("bytes", &body.len())
                .finish_non_exhaustive(),
            Op::Attach { kind, body, .. } => f
                .debug_struct("Attach")
                .field("kind", kind)
                .field("bytes", &body.len())
                .finish_non_exhaustive(),
            Op::Status { change, .. } => f
                .debug_struct("Status")
                .field("change", change)
                .finish_non_exhaustive(),
        }
    }
}

const JOURNAL_PUT: u8 = 1;
const JOURNAL_DELETE: u8 = 2;
const VERSION: u8 = 3;
const ATTACH: u8 = 4;
const STATUS: u8 = 5;

impl Op {
    /// Whether every body is within [`MAX_BODY_BYTES`].
    pub fn fits(&self) -> bool {
        match self {
            Op::Journal { content, .. } => content.as_ref().map_or(0, Vec::len) <= MAX_BODY_BYTES,
            Op::Version { body, .. } | Op::Attach { body, .. } => body.len() <= MAX_BODY_BYTES,
            Op::Status { .. } => true,
        }
    }

    pub(crate) fn write(&self, w: &mut Writer) {
        match self {
            Op::Journal {
                record,
                content: Some(content),
            } => {
                w.u8(JOURNAL_PUT);
                w.bytes(record);
                w.var(content);
            }
            Op::Journal {
                record,
                content: None,
            } => {
                w.u8(JOURNAL_DELETE);
                w.bytes(record);
            }
            Op::Version {
                document,
                hash,
                body,
            } => {
                w.u8(VERSION);
                w.bytes(document);
                w.bytes(hash);
                w.var(body);
            }
            Op::Attach {
                document,
                version,
                kind,
                record,
                body,
            } => {
                w.u8(ATTACH);
                w.bytes(document);
                w.bytes(version);
                w.u8(match kind {
                    AttachKind::SignOff => 1,
                    AttachKind::Review => 2,
                    AttachKind::Departure => 3,
                });
                w.bytes(record);
                w.var(body);
            }
            Op::Status {
                document,
                version,
                change,
            } => {
                w.u8(STATUS);
                w.bytes(document);
                w.bytes(version);
                w.u8(match change {
                    StatusChange::Activate => 1,
                    StatusChange::Revoke => 2,
                });
            }
        }
    }

    /// The operation's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::default();
        self.write(&mut w);
        w.0
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Op, DecodeError> {
        let tag = r.u8()?;
        Ok(match tag {
            JOURNAL_PUT => Op::Journal {
                record: r.array()?,
                content: Some(r.var(MAX_BODY_BYTES)?.to_vec()),
            },
            JOURNAL_DELETE => Op::Journal {
                record: r.array()?,
                content: None,
            },
            VERSION => Op::Version {
                document: r.array()?,
                hash: r.array()?,
                body: r.var(MAX_BODY_BYTES)?.to_vec(),
            },
            ATTACH => {
                let document = r.array()?;
                let version = r.array()?;
                let kind = match r.u8()? {
                    1 => AttachKind::SignOff,
                    2 => AttachKind::Review,
                    3 => AttachKind::Departure,
                    _ => return Err(DecodeError::NotCanonical),
                };
                Op::Attach {
                    document,
                    version,
                    kind,
                    record: r.array()?,
                    body: r.var(MAX_BODY_BYTES)?.to_vec(),
                }
            }
            STATUS => Op::Status {
                document: r.array()?,
                version: r.array()?,
                change: match r.u8()? {
                    1 => StatusChange::Activate,
                    2 => StatusChange::Revoke,
                    _ => return Err(DecodeError::NotCanonical),
                },
            },
            other => return Err(DecodeError::UnknownOp(other)),
        })
    }

    /// Reads exactly one operation from `bytes`.
    pub fn decode(bytes: &[u8]) -> Result<Op, DecodeError> {
        let mut r = Reader::new(bytes);
        let op = Op::read(&mut r)?;
        r.finish()?;
        Ok(op)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples() -> Vec<Op> {
        vec![
            Op::Journal {
                record: [1; 16],
                content: Some(b"dear diary".to_vec()),
            },
            Op::Journal {
                record: [2; 16],
                content: None,
            },
            Op::Version {
                document: [3; 16],
                hash: [4; 32],
                body: vec![5; 300],
            },
            Op::Attach {
                document: [3; 16],
                version: [4; 32],
                kind: AttachKind::Departure,
                record: [6; 16],
                body: vec![],
            },
            Op::Status {
                document: [3; 16],
                version: [4; 32],
                change: StatusChange::Revoke,
            },
        ]
    }

    #[test]
    fn every_op_round_trips_and_re_encodes_to_the_same_bytes() {
        for op in samples() {
            let bytes = op.encode();
            let back = Op::decode(&bytes).unwrap();
            assert_eq!(back, op);
            assert_eq!(back.encode(), bytes);
        }
    }

    #[test]
    fn every_prefix_is_truncated_and_an_extra_byte_is_trailing() {
        for op in samples() {
            let bytes = op.encode();
            for n in 0..bytes.len() {
                assert_eq!(Op::decode(&bytes[..n]), Err(DecodeError::Truncated), "{n}");
            }
            let mut longer = bytes.clone();
            longer.push(0);
            assert_eq!(Op::decode(&longer), Err(DecodeError::TrailingBytes));
        }
    }

    #[test]
    fn unknown_tags_and_enum_values_are_refused_by_name() {
        assert_eq!(Op::decode(&[9]), Err(DecodeError::UnknownOp(9)));
        let mut status = samples()[4].encode();
        *status.last_mut().unwrap() = 3;
        assert_eq!(Op::decode(&status), Err(DecodeError::NotCanonical));
    }

    #[test]
    fn a_body_length_over_the_limit_is_refused_before_reading_it() {
        let mut bytes = vec![JOURNAL_PUT];
        bytes.extend_from_slice(&[0; 16]);
        bytes.extend_from_slice(&(MAX_BODY_BYTES as u32 + 1).to_be_bytes());
        assert_eq!(Op::decode(&bytes), Err(DecodeError::TooLarge));
    }

    #[test]
    fn debug_shows_no_payload() {
        let op = Op::Journal {
            record: [1; 16],
            content: Some(b"secret words".to_vec()),
        };
        assert_eq!(format!("{op:?}"), "Journal { bytes: Some(12), .. }");
    }
}
