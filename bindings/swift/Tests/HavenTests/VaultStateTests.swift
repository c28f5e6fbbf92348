// Issue 9 from Swift: the epoch kept in the app's key store (an older copy
// of the vault file is RolledBack until the person accepts it) and rekey
// (every old secret stops working, every entry stays, cancelling changes
// nothing).
import Foundation
import Haven
import XCTest

final class VaultStateTests: HavenTestCase {
    /// The epoch held in the key store: 8 bytes, little-endian.
    private func heldEpoch(_ store: MemoryKeyStore) -> UInt64 {
        let bytes = store.snapshot.first { $0.key.hasSuffix(".epoch") }!.value
        return bytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    /// Opens the vault with its epoch kept in `store` and unlocks it.
    private func reopen(_ store: KeyStore) throws -> HavenVault {
        let vault = try HavenVault.open(path: path("vault.haven"))
        try vault.keepEpochIn(store: store)
        try vault.unlockWithPassphrase(passphrase: passphrase, listener: nil, token: nil)
        return vault
    }

    func testAnOlderCopyOfTheFileIsRolledBackUntilAccepted() throws {
        let store = MemoryKeyStore()
        let file = URL(fileURLWithPath: path("vault.haven"))
        let copy = URL(fileURLWithPath: path("old-copy.haven"))
        do {
            let vault = try newVault().vault
            try vault.keepEpochIn(store: store)
            _ = try vault.addEntry(draft: draft("written before the copy"))
        }
        try FileManager.default.copyItem(at: file, to: copy)
        let atCopy = heldEpoch(store)
        do {
            let vault = try reopen(store)
            _ = try vault.addEntry(draft: draft("written after the copy"))
            _ = try vault.addEntry(draft: draft("and another"))
        }
        XCTAssertTrue(store.snapshot.keys.contains { $0.hasSuffix(".epoch") })
        let latest = heldEpoch(store)
        XCTAssertGreaterThanOrEqual(latest, atCopy + 2)

        try FileManager.default.removeItem(at: file)
        try FileManager.default.copyItem(at: copy, to: file)
        let swapped = try Data(contentsOf: file)
        do {
            let vault = try HavenVault.open(path: file.path)
            try vault.keepEpochIn(store: store)
            XCTAssertNil(vault.pendingRollback())
            assertThrowsCase("RolledBack", try vault.unlockWithPassphrase(
                passphrase: passphrase, listener: nil, token: nil)) {
                if case .RolledBack = $0 { return true } else { return false }
            }
            XCTAssertFalse(vault.isUnlocked())
            // What the confirmation screen shows: the newest epoch this
            // device saw, and the older one in the file put back.
            XCTAssertEqual(vault.pendingRollback(), Rollback(held: latest, found: atCopy))
            assertThrows("rolled_back", try vault.unlockWithPassphrase(
                passphrase: passphrase, listener: nil, token: nil))
        }
        XCTAssertEqual(try Data(contentsOf: file), swapped, "nothing written on a refused unlock")

        do {
            let vault = try HavenVault.open(path: file.path)
            try vault.keepEpochIn(store: store)
            XCTAssertThrowsError(try vault.unlockWithPassphrase(
                passphrase: passphrase, listener: nil, token: nil))
            XCTAssertEqual(vault.pendingRollback(), Rollback(held: latest, found: atCopy))
            vault.acceptRollback()
            try vault.unlockWithPassphrase(passphrase: passphrase, listener: nil, token: nil)
            XCTAssertNil(vault.pendingRollback())
            XCTAssertEqual(heldEpoch(store), atCopy, "the held epoch moved back to the file's")
            XCTAssertEqual(try vault.allEntries().map(\.text), ["written before the copy"])
        }
        // Accepted once; from then on it is the newest this device has seen.
        XCTAssertTrue(try reopen(store).isUnlocked())
    }

    func testRekeyReplacesEverySecretAndKeepsEveryEntry() throws {
        let created = try newVault()
        let vault = created.vault
        let keychain = MemoryKeyStore()
        let texts = (1...20).map { "entry \($0)" }
        for t in texts { _ = try vault.addEntry(draft: draft(t)) }
        _ = try vault.enableDeviceUnlock(store: keychain)
        let newPassphrase = "a passphrase nobody else knows"

        let cancelled = CancelToken()
        cancelled.cancel()
        assertThrows("cancelled", try vault.rekey(
            newPassphrase: newPassphrase, kdf: testKdfParams(), listener: nil, token: cancelled))

        let listener = RecordingListener()
        let newRecovery = try vault.rekey(
            newPassphrase: newPassphrase, kdf: testKdfParams(), listener: listener, token: nil)
        XCTAssertNotEqual(newRecovery, created.recoveryKey)
        XCTAssertEqual(listener.steps.last, "done")
        XCTAssertTrue(listener.steps.contains("resealing"))
        XCTAssertEqual(try vault.allEntries().map(\.text), texts.reversed())
        XCTAssertEqual(Set(try vault.keySlots().map(\.kind)), [.passphrase, .recovery])

        let reopened = try HavenVault.open(path: path("vault.haven"))
        assertThrows("wrong_passphrase", try reopened.unlockWithPassphrase(
            passphrase: passphrase, listener: nil, token: nil))
        assertThrows("wrong_recovery_key", try reopened.unlockWithRecoveryKey(recoveryKey: created.recoveryKey))
        assertThrows("wrong_device_key", try reopened.unlockWithKeyStore(store: keychain))
        try reopened.unlockWithRecoveryKey(recoveryKey: newRecovery)
        reopened.lock()
        try reopened.unlockWithPassphrase(passphrase: newPassphrase, listener: nil, token: nil)
        XCTAssertEqual(try reopened.allEntries().map(\.text), texts.reversed())
        XCTAssertTrue(try reopened.verify().damaged.isEmpty)
    }
}
