// What an iOS team meets first: descriptions in logs, error text, dates,
// Task cancellation, observation, paging after deletes, save conflicts and
// key store failures.
import Foundation
import Haven
import XCTest

final class AppSideTests: HavenTestCase {
    let words = "Zephyrine hides the pills in the blue teapot"

    func testDescriptionsShowNoWordsNorTheRecoveryKey() throws {
        let created = try newVault()
        let vault = created.vault
        let entry = try vault.addEntry(draft: draft(words, mood: 4, tags: ["teapot"]))
        var plan = newCrisisPlan(region: .uk)
        plan.whenWell = words
        let version = try vault.createDocument(content: .crisisPlan(plan: plan))
        for text in [String(describing: entry), String(reflecting: entry), "\(plan)", "\(version)",
                     "\(created)", String(reflecting: created), "\(try vault.listEntries(limit: 5, before: nil))"] {
            XCTAssertFalse(text.contains("Zephyrine") || text.contains("teapot"), text)
            XCTAssertFalse(text.contains(created.recoveryKey), text)
        }
    }

    func testEveryErrorHasACodeAndAHumanSentence() throws {
        let vault = try newVault().vault
        var errors: [HavenError] = []
        func collect(_ body: () throws -> Void) {
            do { try body(); XCTFail("no error") } catch let e as HavenError { errors.append(e) } catch { XCTFail("\(error)") }
        }
        collect { _ = try vault.addEntry(draft: draft(self.words, mood: 11)) }
        collect { _ = try vault.getEntry(id: "0123456789abcdef") }
        collect { _ = try vault.listEntries(limit: 5, before: "not a cursor") }
        vault.lock()
        collect { _ = try vault.addEntry(draft: draft(self.words)) }
        collect { try vault.unlockWithPassphrase(passphrase: "wrong \(self.words)", listener: nil, token: nil) }
        collect { _ = try self.newVault() }
        XCTAssertEqual(Set(errors.map(\.code)), ["invalid_input", "not_found", "locked", "wrong_passphrase", "already_exists"])
        for e in errors {
            let text = e.localizedDescription
            XCTAssertEqual(text, e.errorDescription)
            XCTAssertGreaterThan(text.count, 10, e.code)
            XCTAssertFalse(text.contains("Zephyrine") || text.contains("\"") || text.contains("HavenError"), text)
        }
    }

    func testAMalformedDateIsInvalidInput() throws {
        let vault = try newVault().vault
        let plan = try vault.createDocument(content: .crisisPlan(plan: newCrisisPlan(region: .uk)))
        try vault.setNextReview(documentId: plan.documentId, date: DateComponents(year: 2030, month: 1, day: 31))
        let summary = try XCTUnwrap(try vault.documents().first { $0.id == plan.documentId })
        XCTAssertEqual(summary.nextReview, DateComponents(year: 2030, month: 1, day: 31))
        for bad in [DateComponents(year: 2030, month: 2, day: 31), DateComponents(year: 2030, month: 2)] {
            assertThrowsCase("InvalidInput", try vault.setNextReview(documentId: plan.documentId, date: bad)) {
                if case .InvalidInput = $0 { return true } else { return false }
            }
        }
    }

    func testCancellingTheTaskStopsAnUnlock() async throws {
        _ = try createVault(path: path("slow.haven"), passphrase: passphrase, kdf: defaultKdfParams())
        let vault = try HavenVault.open(path: path("slow.haven"))
        let listener = RecordingListener()
        let task = Task {
            try await withCancelToken { token in
                try await vault.unlockWithPassphraseAsync(passphrase: passphrase, listener: listener, token: token)
            }
        }
        // Wait (bounded) until the key derivation has started.
        for _ in 0..<3000 where !listener.steps.contains("derive_key") {
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        XCTAssertTrue(listener.steps.contains("derive_key"))
        task.cancel()
        do {
            try await task.value
            XCTFail("the unlock finished despite the cancel")
        } catch is CancellationError {
            // expected
        }
        XCTAssertFalse(vault.isUnlocked())
        try await vault.unlockWithPassphraseAsync(passphrase: passphrase, listener: nil, token: nil)
        XCTAssertTrue(vault.isUnlocked())
    }

    func testAnObserverSeesAWriteFromASecondHandle() throws {
        let first = try newVault().vault
        let seen = expectation(description: "change seen")
        let listener = EventRecorder { if case .changed = $0 { seen.fulfill() } }
        let handle = try first.observe(listener: listener, intervalMs: 50)
        let second = try HavenVault.open(path: path("vault.haven"))
        try second.unlockWithPassphrase(passphrase: passphrase, listener: nil, token: nil)
        let written = try second.addEntry(draft: draft("from the widget")).id
        wait(for: [seen], timeout: 10)
        handle.cancel()
        let ids = listener.events.flatMap { event -> [String] in
            if case .changed(let changes) = event { return changes.map(\.id) } else { return [] }
        }
        XCTAssertEqual(ids, [written])
    }

    func testPagingContinuesAfterTheCursorEntryIsDeleted() throws {
        let vault = try newVault().vault
        var ids: [String] = []
        for i in 1...7 { ids.append(try vault.addEntry(draft: draft("walk \(i)")).id) }
        let first = try vault.listEntries(limit: 3, before: nil)
        XCTAssertEqual(first.entries.map(\.id), Array(ids.suffix(3).reversed()))
        try vault.deleteEntry(id: first.entries.last!.id)
        let next = try vault.listEntries(limit: 3, before: first.nextCursor)
        XCTAssertEqual(next.entries.map(\.id), Array(ids.prefix(4).reversed().prefix(3)))
    }

    func testAStaleParentSaveIsAConflict() throws {
        let vault = try newVault().vault
        let v1 = try vault.createDocument(content: .crisisPlan(plan: newCrisisPlan(region: .uk)))
        var plan = newCrisisPlan(region: .uk)
        plan.whenWell = "walks"
        guard case .saved(let v2) = try vault.saveVersion(documentId: v1.documentId, parentHash: v1.hash, content: .crisisPlan(plan: plan)) else {
            return XCTFail("first save was not saved")
        }
        guard case .conflict(let newer) = try vault.saveVersion(documentId: v1.documentId, parentHash: v1.hash, content: .crisisPlan(plan: plan)) else {
            return XCTFail("a stale save was accepted")
        }
        XCTAssertEqual(newer.hash, v2.hash)
        XCTAssertEqual(try vault.saveVersionAsBranch(documentId: v1.documentId, parentHash: v1.hash, content: .crisisPlan(plan: plan)).number, 2)
    }

    func testEachKeyStoreErrorMapsToItsOwnCase() throws {
        let vault = try newVault().vault
        let cases: [(KeyStoreError, String)] = [
            (.Cancelled, "cancelled"), (.KeyInvalidated, "device_key_invalidated"),
            (.LockedOut, "key_store_locked_out"), (.Unavailable(reason: "no secure enclave"), "platform"),
        ]
        for (error, code) in cases {
            let store = FailingLoadStore(error)
            _ = try vault.enableDeviceUnlock(store: store)
            vault.lock()
            store.failLoads = true
            XCTAssertThrowsError(try vault.unlockWithKeyStore(store: store)) {
                XCTAssertEqual(($0 as? HavenError)?.code, code, "\(error)")
            }
            XCTAssertFalse(vault.isUnlocked())
            try vault.unlockWithPassphrase(passphrase: passphrase, listener: nil, token: nil)
        }
    }
}

final class EventRecorder: VaultListener, @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [VaultEvent] = []
    private let onEvent: (VaultEvent) -> Void
    init(_ onEvent: @escaping (VaultEvent) -> Void) { self.onEvent = onEvent }
    var events: [VaultEvent] { lock.lock(); defer { lock.unlock() }; return seen }
    func onEvent(event: VaultEvent) {
        lock.lock(); seen.append(event); lock.unlock()
        onEvent(event)
    }
}

final class FailingLoadStore: KeyStore, @unchecked Sendable {
    private let error: KeyStoreError
    private var keys: [String: Data] = [:]
    var failLoads = false
    init(_ error: KeyStoreError) { self.error = error }
    func store(alias: String, key: Data) throws { keys[alias] = key }
    func load(alias: String) throws -> Data? { if failLoads { throw error }; return keys[alias] }
    func remove(alias: String) throws { keys[alias] = nil }
}
