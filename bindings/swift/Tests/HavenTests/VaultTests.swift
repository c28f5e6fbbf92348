// Creating and unlocking a vault from Swift: passphrase, recovery key and a
// device key held by a Swift KeyStore; wrong secrets, progress, cancellation
// and calls from many threads.
import Foundation
import Haven
import XCTest

final class VaultTests: HavenTestCase {
    func testCreatedVaultIsUnlockedAndReopensLockedWithItsId() throws {
        let created = try newVault()
        XCTAssertTrue(created.vault.isUnlocked())
        XCTAssertFalse(created.recoveryKey.isEmpty)
        let id = created.vault.id()
        XCTAssertEqual(Set(try created.vault.keySlots().map(\.kind)), [.passphrase, .recovery])

        let reopened = try HavenVault.open(path: path("vault.haven"))
        XCTAssertEqual(reopened.id(), id)
        XCTAssertFalse(reopened.isUnlocked())
        assertThrows("locked", try reopened.allEntries())
    }

    func testCreatingOverAnExistingVaultIsRefused() throws {
        _ = try newVault()
        assertThrowsCase("AlreadyExists", try newVault()) {
            if case .AlreadyExists = $0 { return true } else { return false }
        }
    }

    func testUnlocksWithPassphraseRecoveryKeyAndDeviceKeyFromAKeyStore() throws {
        let created = try newVault()
        let vault = created.vault
        let entry = try vault.addEntry(draft: draft("written before locking", mood: 6))

        // Passphrase.
        vault.lock()
        XCTAssertFalse(vault.isUnlocked())
        try vault.unlockWithPassphrase(passphrase: passphrase, listener: nil, token: nil)
        XCTAssertEqual(try vault.getEntry(id: entry.id).text, "written before locking")

        // Recovery key, typed carelessly (case and spaces forgiven).
        vault.lock()
        try vault.unlockWithRecoveryKey(recoveryKey: " " + created.recoveryKey.lowercased() + " ")
        XCTAssertEqual(try vault.getEntry(id: entry.id).text, "written before locking")

        // Device key in a Swift key store (the iOS Keychain in the app).
        let keychain = MemoryKeyStore()
        let slot = try vault.enableDeviceUnlock(store: keychain)
        XCTAssertTrue(try vault.keySlots().contains(SlotInfo(id: slot, kind: .device)))
        let stored = keychain.snapshot
        XCTAssertEqual(stored.count, 1)
        XCTAssertEqual(stored.values.first?.count, 32)
        XCTAssertTrue(stored.keys.first?.contains(slot) ?? false)

        vault.lock()
        try vault.unlockWithKeyStore(store: keychain)
        XCTAssertTrue(vault.isUnlocked())
        XCTAssertEqual(try vault.getEntry(id: entry.id).text, "written before locking")

        // A fresh handle on the same file unlocks from the same store.
        let other = try HavenVault.open(path: path("vault.haven"))
        try other.unlockWithKeyStore(store: keychain)
        XCTAssertEqual(try other.getEntry(id: entry.id).mood, 6)

        // An empty store (another device, or a wiped Keychain) cannot.
        let emptyStore = MemoryKeyStore()
        let third = try HavenVault.open(path: path("vault.haven"))
        assertThrows("wrong_device_key", try third.unlockWithKeyStore(store: emptyStore))
        XCTAssertFalse(third.isUnlocked())

        // Disabling removes both the slot and the Keychain item.
        try vault.disableDeviceUnlock(store: keychain, slotId: slot)
        XCTAssertTrue(keychain.snapshot.isEmpty)
        XCTAssertFalse(try vault.keySlots().contains { $0.kind == .device })
    }

    func testAKeychainFailureLeavesNoDeviceSlotBehind() throws {
        let vault = try newVault().vault
        assertThrows("platform", try vault.enableDeviceUnlock(store: FailingKeyStore()))
        XCTAssertFalse(try vault.keySlots().contains { $0.kind == .device })
        vault.lock()
        assertThrows("wrong_device_key", try vault.unlockWithKeyStore(store: FailingKeyStore()))
    }

    func testWrongSecretsGiveTypedErrorsAndLeaveTheVaultLocked() throws {
        let created = try newVault()
        created.vault.lock()
        assertThrows(
            "wrong_passphrase",
            try created.vault.unlockWithPassphrase(passphrase: "not the passphrase", listener: nil, token: nil))
        XCTAssertFalse(created.vault.isUnlocked())

        let other = try createVault(path: path("other.haven"), passphrase: passphrase, kdf: testKdfParams())
        assertThrows("wrong_recovery_key", try created.vault.unlockWithRecoveryKey(recoveryKey: other.recoveryKey))
        assertThrows("mistyped_recovery_key", try created.vault.unlockWithRecoveryKey(recoveryKey: "ABCD-EFGH"))
        assertThrows("wrong_device_key", try created.vault.unlockWithDeviceKey(deviceKey: Data(repeating: 7, count: 32)))
        XCTAssertFalse(created.vault.isUnlocked())
    }

    func testPassphraseChangeAndRecovery() throws {
        let created = try newVault()
        let vault = created.vault
        try vault.changePassphrase(newPassphrase: "a brand new passphrase")
        vault.lock()
        assertThrows("wrong_passphrase", try vault.unlockWithPassphrase(passphrase: passphrase, listener: nil, token: nil))
        try vault.unlockWithPassphrase(passphrase: "a brand new passphrase", listener: nil, token: nil)

        // Forgotten passphrase: the recovery key sets a new one.
        vault.lock()
        try vault.recover(recoveryKey: created.recoveryKey, newPassphrase: "remembered this time")
        vault.lock()
        try vault.unlockWithPassphrase(passphrase: "remembered this time", listener: nil, token: nil)
    }

    func testProgressWithDefaultCostIsMonotonicAndEndsAtOne() throws {
        let params = defaultKdfParams()
        XCTAssertEqual(params.memoryKib, 65_536)
        XCTAssertEqual(params.iterations, 3)
        let created = try createVault(path: path("default.haven"), passphrase: passphrase, kdf: params)
        created.vault.lock()

        let listener = RecordingListener()
        try created.vault.unlockWithPassphrase(passphrase: passphrase, listener: listener, token: CancelToken())
        XCTAssertTrue(created.vault.isUnlocked())
        let fractions = listener.fractions
        XCTAssertGreaterThanOrEqual(fractions.count, 2, "\(fractions)")
        XCTAssertEqual(fractions.first, 0.0)
        XCTAssertEqual(fractions.last, 1.0)
        XCTAssertTrue(fractions.allSatisfy { (0.0...1.0).contains($0) }, "\(fractions)")
        XCTAssertEqual(fractions, fractions.sorted(), "progress went backwards: \(fractions)")
    }

    func testCancelledTokenStopsUnlockingAndTheVaultStaysLocked() throws {
        let created = try newVault()
        created.vault.lock()
        let token = CancelToken()
        XCTAssertFalse(token.isCancelled())
        token.cancel()
        XCTAssertTrue(token.isCancelled())
        assertThrows(
            "cancelled",
            try created.vault.unlockWithPassphrase(passphrase: passphrase, listener: RecordingListener(), token: token))
        XCTAssertFalse(created.vault.isUnlocked())
        assertThrows("locked", try created.vault.allEntries())

        // A fresh token does not stop the next attempt.
        try created.vault.unlockWithPassphrase(passphrase: passphrase, listener: nil, token: CancelToken())
        XCTAssertTrue(created.vault.isUnlocked())
    }

    func testManyThreadsAddingToOneVaultLoseNothing() throws {
        let vault = try newVault().vault
        let count = 48
        let lock = NSLock()
        var failures: [Error] = []
        var ids: [String] = []
        DispatchQueue.concurrentPerform(iterations: count) { i in
            do {
                let entry = try vault.addEntry(draft: draft("from thread \(i)", mood: Int32(i % 10 + 1), tags: ["t\(i % 3)"]))
                lock.lock(); ids.append(entry.id); lock.unlock()
            } catch {
                lock.lock(); failures.append(error); lock.unlock()
            }
        }
        XCTAssertTrue(failures.isEmpty, "\(failures)")
        XCTAssertEqual(Set(ids).count, count)
        let all = try vault.allEntries()
        XCTAssertEqual(all.count, count)
        XCTAssertEqual(Set(all.map(\.text)), Set((0..<count).map { "from thread \($0)" }))
        XCTAssertTrue(try vault.verify().damaged.isEmpty)
    }
}

/// A Keychain that refuses everything (device locked, entitlement missing).
private final class FailingKeyStore: KeyStore, @unchecked Sendable {
    func store(alias: String, key: Data) throws { throw KeyStoreError.Unavailable(reason: "keychain unavailable") }
    func load(alias: String) throws -> Data? { nil }
    func remove(alias: String) throws { throw KeyStoreError.Unavailable(reason: "keychain unavailable") }
}
