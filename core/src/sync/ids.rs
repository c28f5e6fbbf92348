//! The names sync uses: a space (one person's set of devices), a device, an
//! operation's position in its device's log (a dot), and a log's head.
//! Ids are random 16-byte values; `Debug` shows a short hex prefix only.

use std::fmt;

fn short_hex(f: &mut fmt::Formatter<'_>, name: &str, bytes: &[u8]) -> fmt::Result {
    write!(f, "{name}(")?;
    for b in bytes.iter().take(4) {
        write!(f, "{b:02x}")?;
    }
    write!(f, "..)")
}

/// One person's sync space: the devices that share one vault.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SpaceId(pub [u8; 16]);

/// One device in a space.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DeviceId(pub [u8; 16]);

impl fmt::Debug for SpaceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        short_hex(f, "SpaceId", &self.0)
    }
}

impl fmt::Debug for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        short_hex(f, "DeviceId", &self.0)
    }
}

/// An operation's identity: which device wrote it, at which position of
/// that device's log (from 1). It orders nothing across devices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dot {
    /// The writer.
    pub device: DeviceId,
    /// Its position in the writer's log, from 1.
    pub seq: u64,
}

/// The last entry of a device's log as someone has seen it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Head {
    /// How many entries (the last one's sequence number).
    pub seq: u64,
    /// The last entry's hash.
    pub hash: [u8; 32],
}

impl fmt::Debug for Head {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Head({} ", self.seq)?;
        short_hex(f, "hash", &self.hash)?;
        write!(f, ")")
    }
}
