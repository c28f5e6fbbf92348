// Hand-written, and kept small on purpose: a few Kotlin idioms over the
// generated bindings. It lives outside src/main/kotlin because
// bindings/generate.sh replaces that folder wholesale (and --check diffs it).
package app.haven

import app.haven.core.Draft
import app.haven.core.HavenException
import app.haven.core.Entry
import app.haven.core.Page
import app.haven.core.ShareException

/**
 * Unlocks with [passphrase], runs [block], and locks again even if [block]
 * throws, so the vault key is held no longer than the work needs it.
 * Throws the unlock's own `HavenException` (e.g. `WrongPassphrase`).
 */
inline fun <T> HavenVault.withUnlocked(
    passphrase: String,
    listener: ProgressListener? = null,
    token: CancelToken? = null,
    block: (HavenVault) -> T,
): T {
    unlockWithPassphrase(passphrase, listener, token)
    try {
        return block(this)
    } finally {
        lock()
    }
}

/**
 * The journal, newest first, one [Page] of [pageSize] at a time: each page is
 * fetched only when the sequence reaches it (follows `nextCursor`).
 */
fun HavenVault.entryPages(pageSize: Int = 50): Sequence<Page> = sequence {
    var before: String? = null
    do {
        val page = listEntries(pageSize, before)
        yield(page)
        before = page.nextCursor
    } while (before != null)
}

/** Every journal entry, newest first, read lazily page by page. */
fun HavenVault.entriesPaged(pageSize: Int = 50): Sequence<Entry> =
    entryPages(pageSize).flatMap { it.entries.asSequence() }

/** A [Draft] with the usual defaults: no mood, no tags. */
fun draft(text: String, mood: Int? = null, tags: List<String> = emptyList()): Draft =
    Draft(text, mood, tags)

/**
 * A stable `snake_case` code for the error, the same as the Rust
 * `HavenError::code` (for analytics and for choosing a screen; the
 * exception's `message` is the human sentence). A new error case fails to
 * compile here until it has a code.
 */
val HavenException.code: String
    get() = when (this) {
        is HavenException.WrongPassphrase -> "wrong_passphrase"
        is HavenException.WrongRecoveryKey -> "wrong_recovery_key"
        is HavenException.MistypedRecoveryKey -> "mistyped_recovery_key"
        is HavenException.WrongDeviceKey -> "wrong_device_key"
        is HavenException.Locked -> "locked"
        is HavenException.NotFound -> "not_found"
        is HavenException.Corrupt -> "corrupt"
        is HavenException.CorruptDatabase -> "corrupt_database"
        is HavenException.UnsupportedVersion -> "unsupported_version"
        is HavenException.KdfParamsOutOfBounds -> "kdf_params_out_of_bounds"
        is HavenException.InvalidInput -> "invalid_input"
        is HavenException.AlreadyExists -> "already_exists"
        is HavenException.Cancelled -> "cancelled"
        is HavenException.Platform -> "platform"
        is HavenException.Internal -> "internal"
        is HavenException.BadBackup -> "bad_backup"
        is HavenException.Storage -> "storage"
        is HavenException.Conflict -> "conflict"
        is HavenException.DeviceKeyInvalidated -> "device_key_invalidated"
        is HavenException.KeyStoreLockedOut -> "key_store_locked_out"
        is HavenException.Integrity -> "integrity"
        is HavenException.RolledBack -> "rolled_back"
    }

/**
 * A stable `snake_case` code for a sharing error, the same as the Rust
 * `ShareError::code` (`vault` when the vault refused: the `message` says
 * why). A new case fails to compile here until it has a code.
 */
val ShareException.code: String
    get() = when (this) {
        is ShareException.Malformed -> "malformed"
        is ShareException.UnsupportedVersion -> "unsupported_version"
        is ShareException.WrongShare -> "wrong_share"
        is ShareException.WrongKeyOrPin -> "wrong_key_or_pin"
        is ShareException.NotARecipient -> "not_a_recipient"
        is ShareException.Tampered -> "tampered"
        is ShareException.WrongSigner -> "wrong_signer"
        is ShareException.Spliced -> "spliced"
        is ShareException.Rollback -> "rollback"
        is ShareException.Expired -> "expired"
        is ShareException.Revoked -> "revoked"
        is ShareException.Locked -> "locked"
        is ShareException.Gone -> "gone"
        is ShareException.ReadLimitReached -> "read_limit_reached"
        is ShareException.BadPin -> "bad_pin"
        is ShareException.Invalid -> "invalid"
        is ShareException.TooLarge -> "too_large"
        is ShareException.Transport -> "transport"
        is ShareException.Cancelled -> "cancelled"
        is ShareException.Randomness -> "randomness"
        is ShareException.Vault -> "vault"
    }
