//! Deterministic simulation of sync (issue 12, ADR 0015): two to four
//! devices write, sync and compare through a fake relay that goes down,
//! drops, delays, reorders, duplicates, replays, tampers, lies about
//! storing, rolls back and forks its views, in thousands of seeded random
//! schedules. Then the relay behaves, and every device must hold every
//! entry any device wrote and the same merged records; along the way each
//! misbehaviour must be reported where the ADR says.
//!
//! A failure names its seed: `HAVEN_SYNC_SEED=N cargo test -p haven-core
//! --test sync_sim` replays that schedule alone; `HAVEN_SYNC_SCHEDULES=N`
//! runs more (or fewer) schedules.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};

use fastrand::Rng;
use haven_core::share::primitives::ed25519_public;
use haven_core::sync::blob::{BlobId, SpaceKey};
use haven_core::sync::merge::{JournalView, Standing};
use haven_core::sync::op::{AttachKind, Op, StatusChange};
use haven_core::sync::replica::Replica;
use haven_core::sync::round::{Relay, Report, Syncer, Unreachable};
use haven_core::sync::{Alarm, DeviceId, Dot, SpaceId};

macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

/// The relay: honest storage plus the faults a hostile or broken one
/// could commit, and the bookkeeping the detection checks need.
struct FakeRelay {
    rng: Rng,
    faulty: bool,
    store: Vec<(BlobId, Vec<u8>)>,
    /// Per device: blobs hidden from it (a forked view).
    hidden: Vec<BTreeSet<BlobId>>,
    /// The devices on one side of a fork, while it lasts.
    fork: Option<BTreeSet<usize>>,
    /// Per device: its uploads the relay acknowledged (and has not since
    /// seen reported lost).
    acked: Vec<BTreeSet<BlobId>>,
    /// Per device: every blob acknowledged or listed to it.
    shown: Vec<BTreeSet<BlobId>>,
    /// Per device, this round: acknowledged blobs the listing left out,
    /// and ids served with the wrong bytes.
    must_lose: Vec<BTreeSet<BlobId>>,
    last_list: Vec<BTreeSet<BlobId>>,
    tampered: Vec<BTreeSet<BlobId>>,
}

impl FakeRelay {
    fn new(seed: u64, devices: usize) -> Self {
        Self {
            rng: Rng::with_seed(seed ^ 0x5eed),
            faulty: true,
            store: Vec::new(),
            hidden: vec![BTreeSet::new(); devices],
            fork: None,
            acked: vec![BTreeSet::new(); devices],
            shown: vec![BTreeSet::new(); devices],
            must_lose: vec![BTreeSet::new(); devices],
            last_list: vec![BTreeSet::new(); devices],
            tampered: vec![BTreeSet::new(); devices],
        }
    }

    fn chance(&mut self, p: f64) -> bool {
        self.faulty && self.rng.f64() < p
    }

    fn visible(&self, device: usize) -> Vec<BlobId> {
        self.store
            .iter()
            .map(|(id, _)| *id)
            .filter(|id| !self.hidden[device].contains(id))
            .collect()
    }

    /// Loses everything after a random point (restored from an old copy).
    fn roll_back(&mut self) {
        let keep = self.rng.usize(0..=self.store.len());
        self.store.truncate(keep);
    }

    fn start_fork(&mut self, devices: usize) {
        let side: BTreeSet<usize> = (0..devices).filter(|_| self.rng.bool()).collect();
        if !side.is_empty() && side.len() < devices {
            self.fork = Some(side);
        }
    }

    fn end_fork(&mut self) {
        self.fork = None;
        for h in &mut self.hidden {
            h.clear();
        }
    }

    fn begin_round(&mut self, device: usize) {
        self.must_lose[device].clear();
        self.last_list[device].clear();
        self.tampered[device].clear();
    }
}

/// One device's view of the relay.
struct View<'a> {
    relay: &'a mut FakeRelay,
    device: usize,
}

impl Relay for View<'_> {
    fn list(&mut self) -> Result<Vec<BlobId>, Unreachable> {
        let r = &mut *self.relay;
        if r.chance(0.05) {
            return Err(Unreachable);
        }
        let mut ids = r.visible(self.device);
        ids.retain(|_| !r.chance(0.1)); // withheld, or delayed
        let extra: Vec<BlobId> = ids.iter().copied().filter(|_| r.chance(0.1)).collect();
        ids.extend(extra); // listed twice
        r.rng.shuffle(&mut ids);
        let listed: BTreeSet<BlobId> = ids.iter().copied().collect();
        let d = self.device;
        r.must_lose[d] = r.acked[d].difference(&listed).copied().collect();
        for id in &r.must_lose[d].clone() {
            r.acked[d].remove(id);
        }
        r.shown[d].extend(listed.iter().copied());
        r.last_list[d] = listed;
        Ok(ids)
    }

    fn fetch(&mut self, ids: &[BlobId]) -> Result<Vec<(BlobId, Vec<u8>)>, Unreachable> {
        let r = &mut *self.relay;
        if r.chance(0.05) {
            return Err(Unreachable);
        }
        let d = self.device;
        let mut out = Vec::new();
        for id in ids {
            let Some(bytes) = r
                .store
                .iter()
                .find(|(i, _)| i == id && !r.hidden[d].contains(i))
                .map(|(_, b)| b.clone())
            else {
                continue;
            };
            if r.chance(0.1) {
                continue; // dropped
            }
            if r.chance(0.05) {
                let mut bad = bytes.clone();
                let at = r.rng.usize(0..bad.len());
                bad[at] ^= 1 << r.rng.u8(0..8);
                r.tampered[d].insert(*id);
                out.push((*id, bad));
            } else if r.chance(0.03) && r.store.len() > 1 {
                // Another blob under this id: a splice the id check catches.
                let other = r.store[r.rng.usize(0..r.store.len())].clone();
                if other.0 != *id {
                    r.tampered[d].insert(*id);
                }
                out.push((*id, other.1));
            } else {
                if r.chance(0.1) {
                    out.push((*id, bytes.clone())); // duplicated
                }
                out.push((*id, bytes));
            }
        }
        // Replays of blobs stored before, under their own ids.
        if !r.store.is_empty() {
            for _ in 0..r.rng.usize(0..3) {
                if r.chance(0.3) {
                    let (i, b) = r.store[r.rng.usize(0..r.store.len())].clone();
                    if !r.hidden[d].contains(&i) {
                        out.push((i, b));
                    }
                }
            }
        }
        r.rng.shuffle(&mut out);
        Ok(out)
    }

    fn upload(&mut self, id: BlobId, blob: &[u8]) -> Result<(), Unreachable> {
        let r = &mut *self.relay;
        if r.chance(0.05) {
            return Err(Unreachable);
        }
        let d = self.device;
        r.acked[d].insert(id);
        r.shown[d].insert(id);
        if r.chance(0.05) {
            return Ok(()); // acknowledged, never stored
        }
        if !r.store.iter().any(|(i, _)| *i == id) {
            r.store.push((id, blob.to_vec()));
        }
        if let Some(side) = &r.fork {
            let mine = side.contains(&d);
            for (other, hidden) in r.hidden.iter_mut().enumerate() {
                if side.contains(&other) != mine && !hidden.contains(&id) {
                    hidden.insert(id);
                }
            }
        }
        Ok(())
    }
}

struct World {
    seed: u64,
    rng: Rng,
    relay: FakeRelay,
    devices: Vec<Syncer>,
    written: Vec<(usize, Dot, Op)>,
    /// After a comparison: what the compared device had applied, by
    /// device, which the next sync of the other must have or report behind.
    expect_behind: Vec<Vec<(DeviceId, u64)>>,
    versions: Vec<[u8; 32]>,
    /// How often each fault was met and each rule exercised, so the test
    /// fails if the schedules stop exercising one.
    stats: BTreeMap<&'static str, usize>,
}

const DOCS: [[u8; 16]; 2] = [[0xd0; 16], [0xd1; 16]];

impl World {
    fn new(seed: u64) -> Self {
        let mut rng = Rng::with_seed(seed);
        let n = rng.usize(2..=4);
        let space = SpaceId(rng.u128(..).to_be_bytes());
        let mut key = [0u8; 32];
        key.iter_mut().for_each(|b| *b = rng.u8(..));
        let seeds: Vec<[u8; 32]> = (0..n)
            .map(|_| std::array::from_fn(|_| rng.u8(..)))
            .collect();
        let members: Vec<(DeviceId, [u8; 32])> = seeds
            .iter()
            .enumerate()
            .map(|(i, s)| (DeviceId([i as u8 + 1; 16]), ed25519_public(s).unwrap()))
            .collect();
        let devices = seeds
            .iter()
            .enumerate()
            .map(|(i, s)| {
                Syncer::new(
                    Replica::new(space, members[i].0, *s, &members),
                    SpaceKey::new(0, key),
                )
            })
            .collect();
        Self {
            seed,
            relay: FakeRelay::new(seed, n),
            rng,
            devices,
            written: Vec::new(),
            expect_behind: vec![Vec::new(); n],
            versions: Vec::new(),
            stats: BTreeMap::new(),
        }
    }

    fn pick_op(&mut self, d: usize) -> Op {
        let state = self.devices[d].replica().state();
        let roll = self.rng.u8(0..100);
        let text = format!("{d}:{}", self.written.len()).into_bytes();
        let conflicts = state.conflicts();
        let live: Vec<[u8; 16]> = state
            .journal_ids()
            .filter(|id| matches!(state.journal(id), Some(JournalView::Live { .. })))
            .copied()
            .collect();
        match roll {
            0..=29 => {
                let id: [u8; 16] = self.rng.u128(..).to_be_bytes();
                Op::Journal {
                    record: id,
                    content: Some(text),
                }
            }
            30..=49 if !live.is_empty() => Op::Journal {
                record: live[self.rng.usize(0..live.len())],
                content: Some(text),
            },
            50..=57 if !conflicts.is_empty() => Op::Journal {
                record: conflicts[self.rng.usize(0..conflicts.len())],
                content: Some(text),
            },
            58..=67 if !live.is_empty() => Op::Journal {
                record: live[self.rng.usize(0..live.len())],
                content: None,
            },
            68..=77 => {
                let hash: [u8; 32] = std::array::from_fn(|_| self.rng.u8(..));
                self.versions.push(hash);
                Op::Version {
                    document: DOCS[self.rng.usize(0..2)],
                    hash,
                    body: text,
                }
            }
            78..=84 if !self.versions.is_empty() => Op::Attach {
                document: DOCS[self.rng.usize(0..2)],
                version: self.versions[self.rng.usize(0..self.versions.len())],
                kind: [
                    AttachKind::SignOff,
                    AttachKind::Review,
                    AttachKind::Departure,
                ][self.rng.usize(0..3)],
                record: self.rng.u128(..).to_be_bytes(),
                body: text,
            },
            85..=99 if !self.versions.is_empty() => Op::Status {
                document: DOCS[self.rng.usize(0..2)],
                version: self.versions[self.rng.usize(0..self.versions.len())],
                change: if self.rng.u8(0..3) == 0 {
                    StatusChange::Revoke
                } else {
                    StatusChange::Activate
                },
            },
            _ => {
                let id: [u8; 16] = self.rng.u128(..).to_be_bytes();
                Op::Journal {
                    record: id,
                    content: Some(text),
                }
            }
        }
    }

    fn write(&mut self, d: usize) -> Result<(), String> {
        let op = self.pick_op(d);
        let nonce: [u8; 12] = std::array::from_fn(|_| self.rng.u8(..));
        let dot = self.devices[d]
            .write(op.clone(), nonce)
            .map_err(|e| format!("write failed: {e:?}"))?;
        self.written.push((d, dot, op));
        Ok(())
    }

    /// One round of device `d`, checking what it reports against what the
    /// relay did to it.
    fn sync(&mut self, d: usize) -> Result<Report, String> {
        self.relay.begin_round(d);
        let report = self.devices[d].sync(&mut View {
            relay: &mut self.relay,
            device: d,
        });
        let seed = self.seed;
        for alarm in &report.alarms {
            *self
                .stats
                .entry(match alarm {
                    Alarm::Tampered { .. } => "alarm: tampered",
                    Alarm::RelayLost { .. } => "alarm: relay lost",
                    _ => "alarm: other",
                })
                .or_default() += 1;
            match alarm {
                Alarm::Tampered { blob } => ensure!(
                    self.relay.tampered[d].contains(blob),
                    "seed {seed}: device {d} reported an untampered blob {blob:?} as tampered"
                ),
                Alarm::RelayLost { blob } => ensure!(
                    self.relay.shown[d].contains(blob) && !self.relay.last_list[d].contains(blob),
                    "seed {seed}: device {d} reported {blob:?} lost, but it was never shown or is listed"
                ),
                other => {
                    return Err(format!(
                        "seed {seed}: device {d} raised {other:?}, which a relay cannot cause"
                    ))
                }
            }
        }
        for blob in &self.relay.tampered[d] {
            ensure!(
                report.alarms.contains(&Alarm::Tampered { blob: *blob }),
                "seed {seed}: device {d} was served a tampered {blob:?} and did not report it"
            );
        }
        for blob in &self.relay.must_lose[d] {
            ensure!(
                report.alarms.contains(&Alarm::RelayLost { blob: *blob }),
                "seed {seed}: the relay dropped {blob:?}, acknowledged to device {d}, unreported"
            );
        }
        if report.reached {
            let replica = self.devices[d].replica();
            for (device, seq) in std::mem::take(&mut self.expect_behind[d]) {
                let have = replica.head(&device).map_or(0, |h| h.seq);
                let reported = report
                    .behind
                    .iter()
                    .any(|b| b.device == device && b.known >= seq);
                if have < seq {
                    *self.stats.entry("behind after a comparison").or_default() += 1;
                }
                ensure!(
                    have >= seq || reported,
                    "seed {seed}: device {d} compared with a device that had {device:?} at {seq}, \
                     holds {have} and does not report being behind"
                );
            }
        }
        Ok(report)
    }

    fn compare(&mut self, a: usize, b: usize) {
        let theirs = self.devices[b].replica().frontier();
        self.devices[a].compare(&theirs);
        self.expect_behind[a] = theirs.iter().map(|(d, h)| (*d, h.seq)).collect();
    }

    fn run(&mut self) -> Result<(), String> {
        let n = self.devices.len();
        let steps = self.rng.usize(12..40);
        for _ in 0..steps {
            let d = self.rng.usize(0..n);
            match self.rng.u8(0..100) {
                0..=39 => self.write(d)?,
                40..=81 => {
                    self.sync(d)?;
                }
                82..=89 => {
                    let b = self.rng.usize(0..n);
                    if b != d {
                        self.compare(d, b);
                    }
                }
                90..=92 => {
                    *self.stats.entry("relay rolled back").or_default() += 1;
                    self.relay.roll_back();
                }
                93..=95 => {
                    *self.stats.entry("relay forked").or_default() += 1;
                    self.relay.start_fork(n);
                }
                _ => self.relay.end_fork(),
            }
        }
        self.heal()
    }

    /// The relay behaves from now on: every device syncs until a whole
    /// pass changes nothing, then all must agree and hold every write.
    fn heal(&mut self) -> Result<(), String> {
        let seed = self.seed;
        self.relay.faulty = false;
        self.relay.end_fork();
        let n = self.devices.len();
        let mut quiet = false;
        for _ in 0..12 {
            let mut moved = 0;
            for d in 0..n {
                let r = self.sync(d)?;
                ensure!(r.reached, "seed {seed}: an honest relay was unreachable");
                moved += r.applied + r.uploaded;
            }
            if moved == 0 {
                quiet = true;
                break;
            }
        }
        ensure!(
            quiet,
            "seed {seed}: devices still exchanging after 12 honest passes"
        );
        let first = self.devices[0].replica();
        for (d, dev) in self.devices.iter().enumerate() {
            let r = dev.replica();
            ensure!(
                r.frontier() == first.frontier(),
                "seed {seed}: device {d} has heads {:?}, device 0 {:?}",
                r.frontier(),
                first.frontier()
            );
            ensure!(
                r.state().digest() == first.state().digest(),
                "seed {seed}: device {d}'s merged records differ from device 0's"
            );
            ensure!(
                r.behind().is_empty(),
                "seed {seed}: device {d} still behind"
            );
            ensure!(
                dev.unacknowledged().is_empty(),
                "seed {seed}: device {d} has writes the relay never took"
            );
        }
        self.check_no_write_lost()
    }

    fn check_no_write_lost(&mut self) -> Result<(), String> {
        let seed = self.seed;
        let r = self.devices[0].replica();
        let s = r.state();
        let mut count = |k: &'static str, n: usize| *self.stats.entry(k).or_default() += n;
        count("conflicts kept", s.conflicts().len());
        let mut status_ops: BTreeMap<[u8; 16], Vec<(Dot, StatusChange)>> = BTreeMap::new();
        for (_, dot, op) in &self.written {
            ensure!(
                r.entry(dot).is_some(),
                "seed {seed}: the write {dot:?} is missing after healing"
            );
            match op {
                Op::Journal { record, .. } => {
                    // Kept, or replaced by a revision that had seen it.
                    let heads = s.journal_heads(record);
                    let kept = heads
                        .iter()
                        .any(|h| h.dot == *dot || r.entry(&h.dot).is_some_and(|e| e.covers(dot)));
                    ensure!(
                        kept,
                        "seed {seed}: the journal write {dot:?} was lost to a merge"
                    );
                    let live = heads.iter().filter(|h| h.content.is_some()).count();
                    let view = s.journal(record);
                    match view {
                        Some(JournalView::Live {
                            revisions,
                            resurrected,
                        }) => {
                            ensure!(revisions.len() == live, "seed {seed}: live revisions");
                            count("resurrected by a merge", usize::from(resurrected));
                            ensure!(
                                resurrected == (live < heads.len()),
                                "seed {seed}: a delete that did not see an edit must show as resurrected"
                            );
                        }
                        Some(JournalView::Deleted) => {
                            ensure!(live == 0, "seed {seed}: deleted with a live revision")
                        }
                        None => return Err(format!("seed {seed}: journal entry vanished")),
                    }
                }
                Op::Version { document, hash, .. } => ensure!(
                    s.version(document, hash).is_some(),
                    "seed {seed}: a document version was lost"
                ),
                Op::Attach { record, .. } => ensure!(
                    s.attached(record).is_some(),
                    "seed {seed}: an attached record was lost"
                ),
                Op::Status {
                    document, change, ..
                } => status_ops
                    .entry(*document)
                    .or_default()
                    .push((*dot, *change)),
            }
        }
        // The standing, decided here from scratch: the changes no other
        // change had seen; a revocation among them wins.
        for doc in DOCS {
            let ops = status_ops.get(&doc).cloned().unwrap_or_default();
            ensure!(
                s.history(&doc).len() == ops.len(),
                "seed {seed}: status history not append-only"
            );
            let heads: Vec<&(Dot, StatusChange)> = ops
                .iter()
                .filter(|(dot, _)| {
                    !ops.iter()
                        .any(|(other, _)| r.entry(other).is_some_and(|e| e.covers(dot)))
                })
                .collect();
            let revoked = heads.iter().any(|(_, c)| *c == StatusChange::Revoke);
            let standing = s.standing(&doc);
            count("revoked", usize::from(standing == Standing::Revoked));
            count(
                "revocation beat a concurrent activation",
                usize::from(revoked && heads.len() > 1),
            );
            count(
                "contested",
                usize::from(matches!(standing, Standing::Contested(_))),
            );
            ensure!(
                revoked == (standing == Standing::Revoked),
                "seed {seed}: standing {standing:?} but a concurrent revocation is {revoked}"
            );
            ensure!(
                heads.is_empty() == (standing == Standing::Draft),
                "seed {seed}: standing {standing:?} with {} status heads",
                heads.len()
            );
        }
        Ok(())
    }
}

fn schedules() -> Vec<u64> {
    if let Ok(seed) = std::env::var("HAVEN_SYNC_SEED") {
        return vec![seed.parse().expect("HAVEN_SYNC_SEED is a number")];
    }
    let count = std::env::var("HAVEN_SYNC_SCHEDULES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000u64);
    (0..count).collect()
}

#[test]
fn every_device_converges_and_no_write_is_lost_under_a_misbehaving_relay() {
    let mut failures = Vec::new();
    let mut stats = BTreeMap::<&str, usize>::new();
    let seeds = schedules();
    for &seed in &seeds {
        let mut world = World::new(seed);
        if let Err(e) = world.run() {
            failures.push(e);
        }
        for (k, v) in world.stats {
            *stats.entry(k).or_default() += v;
        }
    }
    assert!(
        failures.is_empty(),
        "{} schedule(s) failed (rerun one with HAVEN_SYNC_SEED=N):\n{}",
        failures.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    eprintln!("{} schedules: {stats:?}", seeds.len());
    if seeds.len() >= 1000 {
        for k in [
            "alarm: tampered",
            "alarm: relay lost",
            "behind after a comparison",
            "relay rolled back",
            "relay forked",
            "conflicts kept",
            "resurrected by a merge",
            "revoked",
            "revocation beat a concurrent activation",
            "contested",
        ] {
            assert!(
                stats.get(k).copied().unwrap_or(0) > 0,
                "no schedule exercised: {k}"
            );
        }
    }
}
