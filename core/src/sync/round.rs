//! One sync round between a device and the relay, over the [`Relay`]
//! trait (the HTTP client implements it; the simulation test fakes it):
//! list what the relay holds, notice what it no longer lists, fetch and
//! apply what is new, upload what it lacks. A device keeps every blob it
//! has (its own and others'), so whatever the relay loses, any device that
//! had it puts it back. ADR 0015.

use std::collections::{BTreeMap, BTreeSet};

use super::alarm::Alarm;
use super::blob::{self, blob_id, BlobId, SpaceKey};
use super::error::SyncError;
use super::ids::{DeviceId, Dot, Head};
use super::op::Op;
use super::replica::{Behind, Received, Replica};

/// The relay could not be reached (or answered with an error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unreachable;

/// A space's store at the relay, as one device sees it.
pub trait Relay {
    /// The ids of every blob the relay holds for the space.
    fn list(&mut self) -> Result<Vec<BlobId>, Unreachable>;
    /// The blobs with these ids (the relay may answer with fewer).
    fn fetch(&mut self, ids: &[BlobId]) -> Result<Vec<(BlobId, Vec<u8>)>, Unreachable>;
    /// Stores a blob; `Ok` is the relay's acknowledgement.
    fn upload(&mut self, id: BlobId, blob: &[u8]) -> Result<(), Unreachable>;
}

/// What one round found and did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Whether every call reached the relay.
    pub reached: bool,
    /// Entries applied.
    pub applied: usize,
    /// Blobs uploaded (and acknowledged).
    pub uploaded: usize,
    /// Misbehaviour found.
    pub alarms: Vec<Alarm>,
    /// Devices known to have written more than this device has received:
    /// the relay withholding, or not there yet.
    pub behind: Vec<Behind>,
}

/// A device's side of sync: its replica, the space key, its blobs and what
/// the relay has shown it.
pub struct Syncer {
    replica: Replica,
    keys: Vec<SpaceKey>,
    blobs: BTreeMap<BlobId, Vec<u8>>,
    own: Vec<BlobId>,
    at_relay: BTreeSet<BlobId>,
    refused: BTreeSet<BlobId>,
}

impl Syncer {
    /// A device's syncer over its replica, with the space's current key.
    pub fn new(replica: Replica, key: SpaceKey) -> Self {
        Self {
            replica,
            keys: vec![key],
            blobs: BTreeMap::new(),
            own: Vec::new(),
            at_relay: BTreeSet::new(),
            refused: BTreeSet::new(),
        }
    }

    /// The replica.
    pub fn replica(&self) -> &Replica {
        &self.replica
    }

    /// Writes an operation and seals it for the relay (`nonce`: fresh
    /// random bytes). It is uploaded by the next round.
    pub fn write(&mut self, op: Op, nonce: [u8; 12]) -> Result<Dot, SyncError> {
        let key = self.keys.last().ok_or(SyncError::UnknownKeyEpoch(0))?;
        // Sealed before it is applied, so a failure leaves the log unchanged.
        let entry = self.replica.next(op)?;
        let sealed = blob::seal(key, nonce, &entry)?;
        let dot = entry.dot();
        self.replica.commit(entry);
        let id = blob_id(&sealed);
        self.blobs.insert(id, sealed);
        self.own.push(id);
        Ok(dot)
    }

    /// This device's blobs the relay has not acknowledged or listed.
    pub fn unacknowledged(&self) -> Vec<BlobId> {
        self.own
            .iter()
            .filter(|id| !self.at_relay.contains(id))
            .copied()
            .collect()
    }

    /// Learns another device's frontier, shown directly (not through the
    /// relay): entries it has that the relay did not give this device show
    /// as [`Report::behind`] until they arrive.
    pub fn compare(&mut self, heads: &[(DeviceId, Head)]) {
        self.replica.learn_heads(heads);
    }

    /// One round with the relay.
    pub fn sync(&mut self, relay: &mut dyn Relay) -> Report {
        let mut report = Report {
            reached: true,
            ..Report::default()
        };
        self.round(relay, &mut report);
        report.alarms.extend(self.replica.take_alarms());
        report.behind = self.replica.behind();
        report
    }

    fn round(&mut self, relay: &mut dyn Relay, report: &mut Report) {
        let Ok(listed) = relay.list() else {
            report.reached = false;
            return;
        };
        let listed: BTreeSet<BlobId> = listed.into_iter().collect();
        let lost: Vec<BlobId> = self.at_relay.difference(&listed).copied().collect();
        for blob in lost {
            self.at_relay.remove(&blob);
            report.alarms.push(Alarm::RelayLost { blob });
        }
        let mut wanted = Vec::new();
        for id in &listed {
            if self.blobs.contains_key(id) {
                self.at_relay.insert(*id);
            } else if !self.refused.contains(id) {
                wanted.push(*id);
            }
        }
        if !wanted.is_empty() {
            match relay.fetch(&wanted) {
                Ok(got) => {
                    for (id, bytes) in got {
                        self.take(id, bytes, &listed, report);
                    }
                }
                Err(Unreachable) => report.reached = false,
            }
        }
        if report.reached {
            self.upload(relay, &listed, report);
        }
    }

    fn take(&mut self, id: BlobId, bytes: Vec<u8>, listed: &BTreeSet<BlobId>, report: &mut Report) {
        if blob_id(&bytes) != id {
            report.alarms.push(Alarm::Tampered { blob: id });
            return;
        }
        if self.blobs.contains_key(&id) || self.refused.contains(&id) {
            return;
        }
        let entry = match blob::open(&self.replica.space(), &self.keys, &bytes) {
            Ok(entry) => entry,
            Err(_) => {
                self.refused.insert(id);
                report.alarms.push(Alarm::Tampered { blob: id });
                return;
            }
        };
        match self.replica.receive(entry) {
            Received::Refused => {
                self.refused.insert(id);
            }
            got => {
                if let Received::Applied(waiting) = got {
                    report.applied += 1 + waiting;
                }
                self.blobs.insert(id, bytes);
                if listed.contains(&id) {
                    self.at_relay.insert(id);
                }
            }
        }
    }

    /// Uploads this device's blobs the relay lacks, in log order, then any
    /// other blob it lost; stops at the first failure.
    fn upload(&mut self, relay: &mut dyn Relay, listed: &BTreeSet<BlobId>, report: &mut Report) {
        let others = self.blobs.keys().filter(|id| !self.own.contains(id));
        let missing: Vec<BlobId> = self
            .own
            .iter()
            .chain(others)
            .filter(|id| !listed.contains(id) && !self.at_relay.contains(id))
            .copied()
            .collect();
        for id in missing {
            let Some(bytes) = self.blobs.get(&id) else {
                continue;
            };
            if relay.upload(id, bytes).is_err() {
                report.reached = false;
                return;
            }
            self.at_relay.insert(id);
            report.uploaded += 1;
        }
    }
}
