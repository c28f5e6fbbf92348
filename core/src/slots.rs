//! Key slots: each wraps the one vault key under a different way in
//! (passphrase, recovery key, device key), like LUKS. Changing a passphrase
//! rewraps the vault key; no record is re-encrypted (a rekey, `rekey.rs`,
//! replaces the vault key itself).
//!
//! A slot's associated data binds vault id, slot id, kind and (since slot
//! format 2) its Argon2id parameters, so a slot whose cost was edited in the
//! file does not open. Slots written by older builds (format 1, no cost in
//! the associated data) still open; the slot table as a whole is covered by
//! the vault state (`integrity.rs`), so an edited or planted slot is caught
//! on unlock either way.

use rusqlite::{params, Connection};
use serde::Serialize;

use crate::crypto::{self, recovery::hkdf_kek, KdfParams, RecoveryKey, SecretKey};
use crate::error::{HavenError, Internal};
use crate::progress::Progress;

pub(crate) mod for_backup;
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) mod fuzz;

/// How a slot is opened.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SlotKind {
    /// A passphrase stretched with Argon2id.
    Passphrase,
    /// The recovery key shown once at creation.
    Recovery,
    /// 32 raw bytes held by the platform key store.
    Device,
}

impl SlotKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Passphrase => "passphrase",
            Self::Recovery => "recovery",
            Self::Device => "device",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "passphrase" => Some(Self::Passphrase),
            "recovery" => Some(Self::Recovery),
            "device" => Some(Self::Device),
            _ => None,
        }
    }
}

/// A slot as listed to the person: no secrets, no dates.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlotInfo {
    /// Random slot id.
    pub id: String,
    /// How it opens.
    pub kind: SlotKind,
}

/// The secret that opens one kind of slot.
pub enum SlotSecret<'a> {
    /// A passphrase (already NFC-normalised).
    Passphrase(&'a str),
    /// A parsed recovery key.
    Recovery(&'a RecoveryKey),
    /// Device key bytes.
    Device(&'a SecretKey),
}

impl SlotSecret<'_> {
    /// The kind of slot this opens.
    pub fn kind(&self) -> SlotKind {
        match self {
            Self::Passphrase(_) => SlotKind::Passphrase,
            Self::Recovery(_) => SlotKind::Recovery,
            Self::Device(_) => SlotKind::Device,
        }
    }

    /// The key-encryption key, or `None` if cancelled while deriving.
    fn kek_observed(
        &self,
        kdf: Option<KdfParams>,
        salt: &[u8],
        progress: &dyn Progress,
    ) -> Result<Option<SecretKey>, Internal> {
        match self {
            Self::Passphrase(p) => kdf
                .ok_or(Internal::KdfBounds)?
                .derive_cancellable(p, salt, progress),
            _ => self.kek(kdf, salt).map(Some),
        }
    }

    fn kek(&self, kdf: Option<KdfParams>, salt: &[u8]) -> Result<SecretKey, Internal> {
        match self {
            Self::Passphrase(p) => kdf.ok_or(Internal::KdfBounds)?.derive(p, salt),
            Self::Recovery(k) => k.kek(salt),
            Self::Device(k) => hkdf_kek(k.as_bytes(), salt, b"haven device slot v1"),
        }
    }

    fn wrong(&self) -> HavenError {
        match self {
            Self::Passphrase(_) => HavenError::WrongPassphrase,
            Self::Recovery(_) => HavenError::WrongRecoveryKey,
            Self::Device(_) => HavenError::WrongDeviceKey,
        }
    }
}

/// Associated data of a format-1 slot (older builds): no cost parameters.
fn aad_v1(vault_id: &str, slot_id: &str, kind: SlotKind) -> Vec<u8> {
    let mut out = b"haven-slot-v1".to_vec();
    for field in [vault_id, slot_id, kind.as_str()] {
        out.extend_from_slice(&(field.len() as u32).to_le_bytes());
        out.extend_from_slice(field.as_bytes());
    }
    out
}

/// Associated data of a format-2 slot: also binds the stored Argon2id
/// parameters (empty for slots without a passphrase).
fn aad_v2(vault_id: &str, slot_id: &str, kind: SlotKind, kdf: Option<&[u8]>) -> Vec<u8> {
    let mut out = b"haven-slot-v2".to_vec();
    let kdf = kdf.unwrap_or_default();
    for field in [
        vault_id.as_bytes(),
        slot_id.as_bytes(),
        kind.as_str().as_bytes(),
        kdf,
    ] {
        out.extend_from_slice(&(field.len() as u32).to_le_bytes());
        out.extend_from_slice(field);
    }
    out
}

/// Wraps `vault_key` in a new slot opened by `opener`. Returns the slot id.
pub fn add(
    conn: &Connection,
    vault_id: &str,
    vault_key: &SecretKey,
    opener: &SlotSecret<'_>,
    kdf: KdfParams,
) -> Result<String, HavenError> {
    let kind = opener.kind();
    let kdf = (kind == SlotKind::Passphrase).then_some(kdf);
    if let Some(p) = kdf {
        // The floor for new slots; the cost always comes from the caller,
        // never from a slot already in the file.
        p.check()?;
    }
    let id = crypto::random_id()?;
    let salt = crypto::random_bytes(16)?;
    let kek = opener.kek(kdf, &salt)?;
    let kdf_bytes = kdf.map(KdfParams::to_bytes);
    let aad = aad_v2(vault_id, &id, kind, kdf_bytes.as_deref());
    let wrapped = crypto::seal(&kek, &aad, vault_key.as_bytes())?;
    conn.execute(
        "INSERT INTO key_slots (id, kind, kdf, salt, wrapped, created_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, (SELECT coalesce(max(created_seq), 0) + 1 FROM key_slots))",
        params![id, kind.as_str(), kdf_bytes, salt, wrapped],
    )?;
    for_backup::store(conn, vault_id, vault_key, &id, opener, kdf)?;
    Ok(id)
}

/// One key slot as stored: still wrapped, safe to copy (a backup carries the
/// passphrase and recovery slots in its header).
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct StoredSlot {
    /// Random slot id, bound into the wrapping's associated data.
    pub id: String,
    /// How it opens.
    pub kind: SlotKind,
    /// Encoded Argon2id parameters (passphrase slots only).
    pub kdf: Option<Vec<u8>>,
    /// The KEK salt.
    pub salt: Vec<u8>,
    /// The vault key in an envelope under the KEK.
    pub wrapped: Vec<u8>,
}

impl std::fmt::Debug for StoredSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredSlot")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl SlotKind {
    /// The stable code used in backup headers.
    pub(crate) fn code(self) -> u8 {
        match self {
            Self::Passphrase => 1,
            Self::Recovery => 2,
            Self::Device => 3,
        }
    }

    /// The kind for a backup-header code.
    pub(crate) fn from_code(code: u8) -> Option<Self> {
        match code {
            1 => Some(Self::Passphrase),
            2 => Some(Self::Recovery),
            3 => Some(Self::Device),
            _ => None,
        }
    }
}

/// Every stored slot, oldest first. Unknown kinds are reported as corrupt.
pub(crate) fn load(conn: &Connection) -> Result<Vec<StoredSlot>, HavenError> {
    let mut stmt =
        conn.prepare("SELECT id, kind, kdf, salt, wrapped FROM key_slots ORDER BY created_seq")?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<Vec<u8>>>(2)?,
                r.get::<_, Vec<u8>>(3)?,
                r.get::<_, Vec<u8>>(4)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(
            |(id, kind, kdf, salt, wrapped)| match SlotKind::parse(&kind) {
                Some(kind) => Ok(StoredSlot {
                    id,
                    kind,
                    kdf,
                    salt,
                    wrapped,
                }),
                None => Err(HavenError::Corrupt {
                    record_id: Some(id),
                }),
            },
        )
        .collect()
}

/// Tries every slot of the opener's kind among `slots` (from the database
/// or a backup header); the vault key on success, the opener's "wrong"
/// error when none opens. Needs no connection, so the slow derivation runs
/// without holding the vault's lock; `progress` may cancel it.
pub(crate) fn unwrap_from(
    slots: &[StoredSlot],
    vault_id: &str,
    opener: &SlotSecret<'_>,
    progress: &dyn Progress,
) -> Result<SecretKey, HavenError> {
    let kind = opener.kind();
    for slot in slots.iter().filter(|s| s.kind == kind) {
        let kdf = slot.kdf.as_deref().map(KdfParams::from_bytes).transpose()?;
        let Some(kek) = opener.kek_observed(kdf, &slot.salt, progress)? else {
            return Err(HavenError::Cancelled);
        };
        let v2 = aad_v2(vault_id, &slot.id, kind, slot.kdf.as_deref());
        let opened = match crypto::open(&kek, &v2, &slot.wrapped) {
            Err(Internal::Unauthentic) => {
                crypto::open(&kek, &aad_v1(vault_id, &slot.id, kind), &slot.wrapped)
            }
            other => other,
        };
        match opened {
            Ok(bytes) => {
                let bytes = zeroize::Zeroizing::new(bytes);
                let key: [u8; 32] =
                    bytes
                        .as_slice()
                        .try_into()
                        .map_err(|_| HavenError::Corrupt {
                            record_id: Some(slot.id.clone()),
                        })?;
                return Ok(SecretKey::from_bytes(key));
            }
            Err(Internal::Unauthentic) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(opener.wrong())
}

/// Every slot, oldest first. Unknown kinds are reported as corrupt.
pub fn list(conn: &Connection) -> Result<Vec<SlotInfo>, HavenError> {
    let mut stmt = conn.prepare("SELECT id, kind FROM key_slots ORDER BY created_seq")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(id, kind)| match SlotKind::parse(&kind) {
            Some(kind) => Ok(SlotInfo { id, kind }),
            None => Err(HavenError::Corrupt {
                record_id: Some(id),
            }),
        })
        .collect()
}

/// Stored KDF parameters of every passphrase slot, bounds-checked.
pub fn check_kdf_params(conn: &Connection) -> Result<(), HavenError> {
    let mut stmt = conn.prepare("SELECT kdf FROM key_slots WHERE kind = 'passphrase'")?;
    let rows = stmt
        .query_map([], |r| r.get::<_, Option<Vec<u8>>>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    for kdf in rows {
        KdfParams::from_bytes(&kdf.unwrap_or_default())?;
    }
    Ok(())
}

/// Deletes the slots of one kind (used when a passphrase is replaced).
pub fn remove_kind(conn: &Connection, kind: SlotKind) -> Result<(), Internal> {
    conn.execute(
        "DELETE FROM key_slots WHERE kind = ?1",
        params![kind.as_str()],
    )?;
    for_backup::remove_orphans(conn)
}

/// Deletes one slot; refuses to delete the last one.
pub fn remove(conn: &Connection, id: &str) -> Result<(), HavenError> {
    let total: i64 = conn.query_row("SELECT count(*) FROM key_slots", [], |r| r.get(0))?;
    let exists: i64 = conn.query_row(
        "SELECT count(*) FROM key_slots WHERE id = ?1",
        params![id],
        |r| r.get(0),
    )?;
    if exists == 0 {
        return Err(HavenError::not_found("key slot", id));
    }
    if total <= 1 {
        return Err(HavenError::invalid(
            "cannot remove the last key slot: the vault could never be opened again",
        ));
    }
    conn.execute("DELETE FROM key_slots WHERE id = ?1", params![id])?;
    Ok(for_backup::remove_orphans(conn)?)
}
