// Hand-written (bindings/generate.sh leaves this file alone): what makes
// HavenError and ShareError readable on Apple platforms. `errorDescription` is the core's
// own sentence (never what the person wrote), so `localizedDescription`
// and SwiftUI alerts show it; `code` is a stable token for analytics and
// for choosing a screen. A new error case fails to compile here until it
// has a code.
import Foundation

extension HavenError: LocalizedError {
    /// The human sentence from the core.
    public var errorDescription: String? { message }

    /// The core's sentence (same as `errorDescription`).
    public var message: String {
        switch self {
        case .WrongPassphrase(let m), .WrongRecoveryKey(let m), .MistypedRecoveryKey(let m),
             .WrongDeviceKey(let m), .Locked(let m), .NotFound(let m), .Corrupt(let m),
             .CorruptDatabase(let m), .UnsupportedVersion(let m), .KdfParamsOutOfBounds(let m),
             .InvalidInput(let m), .AlreadyExists(let m), .Cancelled(let m), .Platform(let m),
             .Internal(let m), .BadBackup(let m), .Storage(let m), .Conflict(let m),
             .DeviceKeyInvalidated(let m), .KeyStoreLockedOut(let m), .Integrity(let m),
             .RolledBack(let m):
            return m
        }
    }

    /// A stable `snake_case` code, the same as the Rust `HavenError::code`.
    public var code: String {
        switch self {
        case .WrongPassphrase: return "wrong_passphrase"
        case .WrongRecoveryKey: return "wrong_recovery_key"
        case .MistypedRecoveryKey: return "mistyped_recovery_key"
        case .WrongDeviceKey: return "wrong_device_key"
        case .Locked: return "locked"
        case .NotFound: return "not_found"
        case .Corrupt: return "corrupt"
        case .CorruptDatabase: return "corrupt_database"
        case .UnsupportedVersion: return "unsupported_version"
        case .KdfParamsOutOfBounds: return "kdf_params_out_of_bounds"
        case .InvalidInput: return "invalid_input"
        case .AlreadyExists: return "already_exists"
        case .Cancelled: return "cancelled"
        case .Platform: return "platform"
        case .Internal: return "internal"
        case .BadBackup: return "bad_backup"
        case .Storage: return "storage"
        case .Conflict: return "conflict"
        case .DeviceKeyInvalidated: return "device_key_invalidated"
        case .KeyStoreLockedOut: return "key_store_locked_out"
        case .Integrity: return "integrity"
        case .RolledBack: return "rolled_back"
        }
    }
}

extension HavenError: CustomStringConvertible {
    /// `code: sentence`, for logs.
    public var description: String { "\(code): \(message)" }
}

extension ShareError: LocalizedError {
    /// The human sentence from the core.
    public var errorDescription: String? { message }

    /// The core's sentence (same as `errorDescription`).
    public var message: String {
        switch self {
        case .Malformed(let m), .UnsupportedVersion(let m), .WrongShare(let m), .WrongKeyOrPin(let m), .NotARecipient(let m), .Tampered(let m), .WrongSigner(let m), .Spliced(let m), .Rollback(let m), .Expired(let m), .Revoked(let m), .Locked(let m), .Gone(let m), .ReadLimitReached(let m), .BadPin(let m), .Invalid(let m), .TooLarge(let m), .Transport(let m), .Cancelled(let m), .Randomness(let m), .Vault(let m):
            return m
        }
    }

    /// A stable `snake_case` code, the same as the Rust `ShareError::code`
    /// (`vault` when the vault refused: `message` says why).
    public var code: String {
        switch self {
        case .Malformed: return "malformed"
        case .UnsupportedVersion: return "unsupported_version"
        case .WrongShare: return "wrong_share"
        case .WrongKeyOrPin: return "wrong_key_or_pin"
        case .NotARecipient: return "not_a_recipient"
        case .Tampered: return "tampered"
        case .WrongSigner: return "wrong_signer"
        case .Spliced: return "spliced"
        case .Rollback: return "rollback"
        case .Expired: return "expired"
        case .Revoked: return "revoked"
        case .Locked: return "locked"
        case .Gone: return "gone"
        case .ReadLimitReached: return "read_limit_reached"
        case .BadPin: return "bad_pin"
        case .Invalid: return "invalid"
        case .TooLarge: return "too_large"
        case .Transport: return "transport"
        case .Cancelled: return "cancelled"
        case .Randomness: return "randomness"
        case .Vault: return "vault"
        }
    }
}

extension ShareError: CustomStringConvertible {
    /// `code: sentence`, for logs.
    public var description: String { "\(code): \(message)" }
}
