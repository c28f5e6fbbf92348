//! One device's replica of the space: the logs of every member device as
//! far as this device has them, applied in causal order to the merged
//! records (`merge.rs`), and what it has learned about entries it has not
//! received yet (heads other devices witnessed), which is how withholding
//! shows as being behind and how a relay showing devices different
//! histories is caught. ADR 0015.

use std::collections::{BTreeMap, BTreeSet};

use zeroize::Zeroizing;

use super::alarm::Alarm;
use super::chain::{Chain, Position};
use super::entry::Entry;
use super::error::SyncError;
use super::ids::{DeviceId, Dot, Head, SpaceId};
use super::merge::State;
use super::op::Op;

/// A device's log is known to be longer than this replica holds of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Behind {
    /// The device.
    pub device: DeviceId,
    /// Entries of it applied here.
    pub have: u64,
    /// Entries of it known to exist.
    pub known: u64,
}

/// What became of an arriving entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Received {
    /// Applied, with this many entries that were waiting for it.
    Applied(usize),
    /// Kept until the entries it follows arrive.
    Held,
    /// Already here.
    Duplicate,
    /// Refused (the alarm says why; a forked device's entries are refused
    /// without a new alarm).
    Refused,
}

/// A device's replica.
pub struct Replica {
    space: SpaceId,
    me: DeviceId,
    seed: Zeroizing<[u8; 32]>,
    members: BTreeMap<DeviceId, [u8; 32]>,
    chains: BTreeMap<DeviceId, Chain>,
    entries: BTreeMap<Dot, Entry>,
    pending: BTreeMap<Dot, (Entry, [u8; 32])>,
    claims: BTreeMap<Dot, [u8; 32]>,
    known: BTreeMap<DeviceId, u64>,
    forked: BTreeSet<DeviceId>,
    alarms: Vec<Alarm>,
    state: State,
}

impl Replica {
    /// A replica for device `me` (signing with `seed`) in `space`, whose
    /// members (`me` included) have these Ed25519 public keys.
    pub fn new(
        space: SpaceId,
        me: DeviceId,
        seed: [u8; 32],
        members: &[(DeviceId, [u8; 32])],
    ) -> Self {
        Self {
            space,
            me,
            seed: Zeroizing::new(seed),
            members: members.iter().copied().collect(),
            chains: BTreeMap::new(),
            entries: BTreeMap::new(),
            pending: BTreeMap::new(),
            claims: BTreeMap::new(),
            known: BTreeMap::new(),
            forked: BTreeSet::new(),
            alarms: Vec::new(),
            state: State::default(),
        }
    }

    /// This device.
    pub fn me(&self) -> DeviceId {
        self.me
    }

    /// The space.
    pub fn space(&self) -> SpaceId {
        self.space
    }

    /// The merged records.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// An applied entry.
    pub fn entry(&self, dot: &Dot) -> Option<&Entry> {
        self.entries.get(dot)
    }

    /// The head of `device`'s log as applied here.
    pub fn head(&self, device: &DeviceId) -> Option<Head> {
        self.chains.get(device).and_then(Chain::head)
    }

    /// Every applied head, ascending by device (this device's included):
    /// what this device shows another when they compare.
    pub fn frontier(&self) -> Vec<(DeviceId, Head)> {
        self.chains
            .iter()
            .filter_map(|(d, c)| c.head().map(|h| (*d, h)))
            .collect()
    }

    /// Devices whose logs are known to be longer than applied here.
    pub fn behind(&self) -> Vec<Behind> {
        self.known
            .iter()
            .filter_map(|(d, known)| {
                let have = self.chains.get(d).map_or(0, Chain::len);
                (*known > have).then_some(Behind {
                    device: *d,
                    have,
                    known: *known,
                })
            })
            .collect()
    }

    /// Devices caught forking.
    pub fn forked(&self) -> &BTreeSet<DeviceId> {
        &self.forked
    }

    /// The alarms raised since the last call.
    pub fn take_alarms(&mut self) -> Vec<Alarm> {
        std::mem::take(&mut self.alarms)
    }

    fn fork(&mut self, device: DeviceId, seq: u64) {
        if self.forked.insert(device) {
            self.alarms.push(Alarm::Fork { device, seq });
        }
        self.pending.retain(|dot, _| dot.device != device);
    }

    /// Writes an operation: signs the next entry of this device's log and
    /// applies it. The entry is returned for sealing and upload.
    pub fn write(&mut self, op: Op) -> Result<Entry, SyncError> {
        let entry = self.next(op)?;
        self.commit(entry.clone());
        Ok(entry)
    }

    /// Signs the next entry of this device's log without applying it (so a
    /// caller that must also seal it can fail without changing anything).
    pub fn next(&self, op: Op) -> Result<Entry, SyncError> {
        let own = self.chains.get(&self.me).and_then(Chain::head);
        let deps = self
            .frontier()
            .into_iter()
            .filter(|(d, _)| *d != self.me)
            .collect();
        Entry::sign(
            self.space,
            self.me,
            own.map_or(1, |h| h.seq + 1),
            own.map_or([0; 32], |h| h.hash),
            deps,
            op,
            &self.seed,
        )
    }

    /// Applies an entry made by [`Replica::next`]; an entry that does not
    /// follow on from this device's log is ignored.
    pub fn commit(&mut self, entry: Entry) {
        let hash = entry.hash();
        let follows = match self.chains.get(&self.me) {
            Some(c) => c.position(&entry, &hash) == Position::Next,
            None => entry.seq == 1,
        };
        if entry.device == self.me && follows {
            self.apply(entry, hash);
        }
    }

    /// Learns that `device`'s log has an entry at `head.seq` with this
    /// hash (from another device's entry, or a direct comparison).
    pub fn learn(&mut self, device: DeviceId, head: Head) {
        if self.forked.contains(&device) || head.seq == 0 {
            return;
        }
        let chain = self.chains.get(&device);
        let have = chain.map_or(0, Chain::len);
        if head.seq <= have {
            if chain.and_then(|c| c.hash_at(head.seq)) != Some(&head.hash) {
                self.fork(device, head.seq);
            }
            return;
        }
        if device == self.me {
            // Someone saw entries of this device's log that it never wrote.
            self.fork(device, have + 1);
            return;
        }
        let dot = Dot {
            device,
            seq: head.seq,
        };
        match self.claims.get(&dot) {
            Some(h) if *h != head.hash => {
                self.fork(device, head.seq);
                return;
            }
            Some(_) => {}
            None => {
                self.claims.insert(dot, head.hash);
            }
        }
        let known = self.known.entry(device).or_insert(0);
        *known = (*known).max(head.seq);
    }

    /// Learns every head of another device's frontier (a comparison).
    pub fn learn_heads(&mut self, heads: &[(DeviceId, Head)]) {
        for (d, h) in heads {
            self.learn(*d, *h);
        }
    }

    /// Takes an entry from the relay (already opened from its blob).
    pub fn receive(&mut self, e: Entry) -> Received {
        let device = e.device;
        let Some(public) = self.members.get(&device) else {
            self.alarms.push(Alarm::UnknownDevice { device });
            return Received::Refused;
        };
        if self.forked.contains(&device) {
            return Received::Refused;
        }
        // The same bytes as an entry held already need no second check
        // (replays and re-uploads are common); anything else is verified
        // before it can count as evidence of anything.
        let hash = e.hash();
        let dot = e.dot();
        let position = self.chains.entry(device).or_default().position(&e, &hash);
        let pending = self.pending.get(&dot).map(|(_, h)| *h);
        if position == Position::Duplicate || pending == Some(hash) {
            return Received::Duplicate;
        }
        if e.space != self.space || !e.verify(public) {
            self.alarms.push(Alarm::Forged { device, seq: e.seq });
            return Received::Refused;
        }
        if let Position::Fork(seq) = position {
            self.fork(device, seq);
            return Received::Refused;
        }
        if pending.is_some() {
            self.fork(device, e.seq);
            return Received::Refused;
        }
        self.learn(device, Head { seq: e.seq, hash });
        if e.seq > 1 {
            self.learn(
                device,
                Head {
                    seq: e.seq - 1,
                    hash: e.prev,
                },
            );
        }
        for (d, h) in e.deps.clone() {
            self.learn(d, h);
        }
        if self.forked.contains(&device) {
            return Received::Refused;
        }
        self.pending.insert(dot, (e, hash));
        let applied = self.drain();
        if self.entries.contains_key(&dot) {
            Received::Applied(applied.saturating_sub(1))
        } else {
            Received::Held
        }
    }

    fn ready(&self, e: &Entry, hash: &[u8; 32]) -> bool {
        let chain_ok = self
            .chains
            .get(&e.device)
            .is_some_and(|c| c.position(e, hash) == Position::Next);
        chain_ok
            && e.deps.iter().all(|(d, h)| {
                !self.forked.contains(d) && self.chains.get(d).map_or(0, Chain::len) >= h.seq
            })
    }

    /// Applies every held entry whose past is applied, until none is.
    fn drain(&mut self) -> usize {
        let mut applied = 0;
        loop {
            let next = self
                .pending
                .iter()
                .find(|(_, (e, h))| self.ready(e, h))
                .map(|(dot, _)| *dot);
            let Some(dot) = next else { break };
            if let Some((e, hash)) = self.pending.remove(&dot) {
                self.apply(e, hash);
                applied += 1;
            }
        }
        applied
    }

    fn apply(&mut self, e: Entry, hash: [u8; 32]) {
        let dot = e.dot();
        if let Some(claimed) = self.claims.remove(&dot) {
            if claimed != hash {
                self.fork(dot.device, dot.seq);
                return;
            }
        }
        self.chains.entry(dot.device).or_default().push(hash);
        self.state.apply(&e);
        self.entries.insert(dot, e);
    }
}
