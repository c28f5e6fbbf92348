//! Backup keys: how a backup header opens with the passphrase or the
//! recovery key alone while naming neither the vault nor any slot (backup
//! format 2, ADR 0002).
//!
//! Why: a vault slot's wrapped key is bound (associated data) to the vault
//! id and slot id, so a header that copied the slots had to carry both ids,
//! and its wrapped bytes and salts were the vault file's own, linking every
//! backup to the file it came from (issue 9). A backup cannot ask for the
//! passphrase to wrap the key afresh (backups run unattended, and the
//! recovery key is never typed again), so each passphrase and recovery slot
//! gets, when it is created, a second key-encryption key (a *backup KEK*)
//! derived from the same secret under its own random salt, and that KEK is
//! kept **sealed under the vault key** in the vault (`meta` row
//! `slot_backup:<slot id>`, associated data binding vault id and slot id).
//! Each backup unseals it and wraps the vault key for its header under
//! associated data of backup-local values only: header format, the
//! backup's random id, slot kind and Argon2id parameters.
//!
//! So the header and the vault file share no bytes in the clear: the
//! backup salt sits only inside the vault's sealed row, and every header
//! wrap has a fresh nonce. Two backups of one vault share their backup
//! salts (and costs), so they can be told to come from the same slot; a
//! passphrase change or a rekey makes new ones. The cost: a passphrase slot
//! runs Argon2id twice when it is created (vault creation, passphrase
//! change, rekey), never on unlock.
//!
//! A sealed row names its slot, so the slot-table check of the vault state
//! (`integrity.rs`) decides which rows count: rows for slots no longer in
//! the table are deleted with the slot ([`remove_orphans`]) and never used.
//! Slots made by older builds have no row; a vault with such a slot keeps
//! writing format-1 headers (with ids) until its passphrase and recovery
//! key are replaced by a rekey.

use rusqlite::{params, Connection, OptionalExtension};
use zeroize::Zeroizing;

use super::{SlotKind, SlotSecret, StoredSlot};
use crate::crypto::{self, recovery::hkdf_kek, KdfParams, SecretKey};
use crate::error::{HavenError, Internal};
use crate::progress::Progress;

/// Prefix of the `meta` rows holding the sealed backup KEKs.
const META_PREFIX: &str = "slot_backup:";
const SEAL_INFO: &[u8] = b"haven slot backup keys v1";
const SEAL_DOMAIN: &[u8] = b"haven-slot-backup-v1";
const WRAP_DOMAIN: &[u8] = b"haven-backup-slot-v2";
const SALT_LEN: usize = 16;

/// One slot of a format-2 backup header: the vault key wrapped under a
/// backup KEK. No ids: see the module docs.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct HeaderSlot {
    /// Which secret opens it.
    pub kind: SlotKind,
    /// Encoded Argon2id parameters (passphrase slots only).
    pub kdf: Option<Vec<u8>>,
    /// The backup KEK's salt.
    pub salt: Vec<u8>,
    /// The vault key in an envelope under the backup KEK.
    pub wrapped: Vec<u8>,
}

impl std::fmt::Debug for HeaderSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HeaderSlot")
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

fn meta_key(slot_id: &str) -> String {
    format!("{META_PREFIX}{slot_id}")
}

fn sealing_key(vault_key: &SecretKey) -> Result<SecretKey, Internal> {
    hkdf_kek(vault_key.as_bytes(), &[], SEAL_INFO)
}

fn length_prefixed(domain: &[u8], fields: &[&[u8]]) -> Vec<u8> {
    let mut out = domain.to_vec();
    for field in fields {
        out.extend_from_slice(&(field.len() as u32).to_le_bytes());
        out.extend_from_slice(field);
    }
    out
}

fn seal_aad(vault_id: &str, slot_id: &str) -> Vec<u8> {
    length_prefixed(SEAL_DOMAIN, &[vault_id.as_bytes(), slot_id.as_bytes()])
}

/// Associated data of a header wrap: backup-local values only.
fn wrap_aad(format: u16, backup_id: &[u8], kind: SlotKind, kdf: Option<&[u8]>) -> Vec<u8> {
    length_prefixed(
        WRAP_DOMAIN,
        &[
            &format.to_le_bytes(),
            backup_id,
            &[kind.code()],
            kdf.unwrap_or_default(),
        ],
    )
}

/// Derives a backup KEK for the slot `slot_id` just created for `opener`
/// and stores it sealed under `vault_key` (in the caller's transaction).
/// Device slots get none: device keys never leave their device.
pub(super) fn store(
    conn: &Connection,
    vault_id: &str,
    vault_key: &SecretKey,
    slot_id: &str,
    opener: &SlotSecret<'_>,
    kdf: Option<KdfParams>,
) -> Result<(), HavenError> {
    let kind = opener.kind();
    if kind == SlotKind::Device {
        return Ok(());
    }
    let salt = crypto::random_bytes(SALT_LEN)?;
    let kek = opener.kek(kdf, &salt)?;
    let kdf_bytes = kdf.map(KdfParams::to_bytes).unwrap_or_default();
    let mut plain = Zeroizing::new(Vec::with_capacity(3 + kdf_bytes.len() + SALT_LEN + 32));
    plain.push(kind.code());
    plain.push(u8::try_from(kdf_bytes.len()).map_err(|_| Internal::TooLarge)?);
    plain.extend_from_slice(&kdf_bytes);
    plain.push(SALT_LEN as u8);
    plain.extend_from_slice(&salt);
    plain.extend_from_slice(kek.as_bytes());
    let sealed = crypto::seal(
        &sealing_key(vault_key)?,
        &seal_aad(vault_id, slot_id),
        &plain,
    )?;
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
        params![meta_key(slot_id), sealed],
    )?;
    Ok(())
}

/// Deletes the sealed backup KEKs of slots no longer in the slot table.
/// Called wherever slots are deleted, in the same transaction.
pub(crate) fn remove_orphans(conn: &Connection) -> Result<(), Internal> {
    conn.execute(
        "DELETE FROM meta WHERE substr(key, 1, ?1) = ?2
           AND substr(key, ?1 + 1) NOT IN (SELECT id FROM key_slots)",
        params![META_PREFIX.len() as i64, META_PREFIX],
    )?;
    Ok(())
}

/// A backup KEK as unsealed from the vault.
struct BackupKek {
    kind: SlotKind,
    kdf: Option<Vec<u8>>,
    salt: Vec<u8>,
    kek: SecretKey,
}

fn unseal(
    conn: &Connection,
    vault_id: &str,
    key: &SecretKey,
    slot_id: &str,
) -> Result<Option<BackupKek>, HavenError> {
    let corrupt = || HavenError::Corrupt {
        record_id: Some(meta_key(slot_id)),
    };
    let sealed: Option<Vec<u8>> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = ?1",
            params![meta_key(slot_id)],
            |r| r.get(0),
        )
        .optional()?;
    let Some(sealed) = sealed else {
        return Ok(None);
    };
    let plain = Zeroizing::new(
        crypto::open(key, &seal_aad(vault_id, slot_id), &sealed).map_err(|_| corrupt())?,
    );
    let take = |at: &mut usize, n: usize| -> Result<&[u8], HavenError> {
        let field = plain.get(*at..*at + n).ok_or_else(corrupt)?;
        *at += n;
        Ok(field)
    };
    let mut at = 0;
    let kind = SlotKind::from_code(take(&mut at, 1)?[0]).ok_or_else(corrupt)?;
    let kdf_len = take(&mut at, 1)?[0] as usize;
    let kdf = take(&mut at, kdf_len)?.to_vec();
    let salt_len = take(&mut at, 1)?[0] as usize;
    let salt = take(&mut at, salt_len)?.to_vec();
    let kek: [u8; 32] = take(&mut at, 32)?.try_into().map_err(|_| corrupt())?;
    if at != plain.len() {
        return Err(corrupt());
    }
    Ok(Some(BackupKek {
        kind,
        kdf: (!kdf.is_empty()).then_some(kdf),
        salt,
        kek: SecretKey::from_bytes(kek),
    }))
}

/// Header slots for a backup with id `backup_id`, one per slot in
/// `carried` (passphrase and recovery slots, in order), each wrapping
/// `vault_key` afresh. `None` when a carried slot has no backup KEK (made
/// by an older build): the caller then writes a format-1 header. A sealed
/// row that does not open, or names another kind, is `Corrupt`.
pub(crate) fn header_slots(
    conn: &Connection,
    vault_id: &str,
    vault_key: &SecretKey,
    carried: &[StoredSlot],
    format: u16,
    backup_id: &[u8],
) -> Result<Option<Vec<HeaderSlot>>, HavenError> {
    let key = sealing_key(vault_key)?;
    let mut out = Vec::with_capacity(carried.len());
    for slot in carried {
        let Some(b) = unseal(conn, vault_id, &key, &slot.id)? else {
            return Ok(None);
        };
        if b.kind != slot.kind || b.kdf != slot.kdf {
            return Err(HavenError::Corrupt {
                record_id: Some(meta_key(&slot.id)),
            });
        }
        let aad = wrap_aad(format, backup_id, b.kind, b.kdf.as_deref());
        let wrapped = crypto::seal(&b.kek, &aad, vault_key.as_bytes())?;
        out.push(HeaderSlot {
            kind: b.kind,
            kdf: b.kdf,
            salt: b.salt,
            wrapped,
        });
    }
    Ok(Some(out))
}

/// Tries every header slot of the opener's kind; the vault key on
/// success, the opener's "wrong" error when none opens. Runs the slow
/// derivation with no lock held; `progress` may cancel it.
pub(crate) fn unwrap_header(
    slots: &[HeaderSlot],
    format: u16,
    backup_id: &[u8],
    opener: &SlotSecret<'_>,
    progress: &dyn Progress,
) -> Result<SecretKey, HavenError> {
    let kind = opener.kind();
    for slot in slots.iter().filter(|s| s.kind == kind) {
        let kdf = slot.kdf.as_deref().map(KdfParams::from_bytes).transpose()?;
        let Some(kek) = opener.kek_observed(kdf, &slot.salt, progress)? else {
            return Err(HavenError::Cancelled);
        };
        let aad = wrap_aad(format, backup_id, kind, slot.kdf.as_deref());
        match crypto::open(&kek, &aad, &slot.wrapped) {
            Ok(bytes) => {
                let bytes = Zeroizing::new(bytes);
                let key: [u8; 32] = bytes
                    .as_slice()
                    .try_into()
                    .map_err(|_| HavenError::bad_backup("the backup header is malformed"))?;
                return Ok(SecretKey::from_bytes(key));
            }
            Err(Internal::Unauthentic) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(opener.wrong())
}
