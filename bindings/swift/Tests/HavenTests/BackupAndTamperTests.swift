// Backups from Swift (create, restore with passphrase and recovery key) and
// damaged files: a flipped byte in a backup or in the vault file surfaces as
// the right HavenError case, never as a crash or silently wrong data.
import Foundation
import Haven
import XCTest

final class BackupAndTamperTests: HavenTestCase {
    func testBackupRestoresWithPassphraseAndWithRecoveryKey() throws {
        let created = try newVault()
        let vault = created.vault
        for i in 0..<12 {
            _ = try vault.addEntry(draft: draft("entry \(i)", mood: Int32(i % 10 + 1), tags: ["backup"]))
        }
        let plan = try vault.createDocument(content: .crisisPlan(plan: newCrisisPlan(region: .uk)))
        let before = try vault.allEntries()

        let backup = path("haven.backup")
        let summary = try vault.createBackup(path: backup)
        XCTAssertFalse(summary.backupId.isEmpty)
        XCTAssertGreaterThan(summary.bytes, 0)
        XCTAssertEqual(summary.recordsByKind.first { $0.kind == "journal" }?.count, 12)
        assertThrowsCase("AlreadyExists", try vault.createBackup(path: backup)) {
            if case .AlreadyExists = $0 { return true } else { return false }
        }

        let byPassphrase = try HavenVault.restoreWithPassphrase(
            backup: backup, target: path("restored-1.haven"), passphrase: passphrase)
        if !byPassphrase.isUnlocked() {
            try byPassphrase.unlockWithPassphrase(passphrase: passphrase, listener: nil, token: nil)
        }
        XCTAssertEqual(try byPassphrase.allEntries(), before)
        XCTAssertEqual(try byPassphrase.latestVersion(documentId: plan.documentId).hash, plan.hash)

        let byRecoveryKey = try HavenVault.restoreWithRecoveryKey(
            backup: backup, target: path("restored-2.haven"), recoveryKey: created.recoveryKey)
        if !byRecoveryKey.isUnlocked() {
            try byRecoveryKey.unlockWithRecoveryKey(recoveryKey: created.recoveryKey)
        }
        XCTAssertEqual(try byRecoveryKey.allEntries(), before)

        // The restored vault still opens with the old passphrase later on.
        let reopened = try HavenVault.open(path: path("restored-2.haven"))
        try reopened.unlockWithPassphrase(passphrase: passphrase, listener: nil, token: nil)
        XCTAssertEqual(try reopened.allEntries().count, 12)

        // Wrong secrets: typed errors, nothing created.
        assertThrows("wrong_passphrase", try HavenVault.restoreWithPassphrase(
            backup: backup, target: path("nope-1.haven"), passphrase: "wrong passphrase"))
        assertThrows("mistyped_recovery_key", try HavenVault.restoreWithRecoveryKey(
            backup: backup, target: path("nope-2.haven"), recoveryKey: "AAAAA-BBBBB"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("nope-1.haven")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("nope-2.haven")))
    }

    func testAFlippedByteInTheMiddleOfABackupIsBadBackup() throws {
        let created = try newVault()
        let vault = created.vault
        let recoveryKey = created.recoveryKey
        for i in 0..<20 {
            _ = try vault.addEntry(draft: draft(String(repeating: "entry \(i) ", count: 40)))
        }
        let backup = path("haven.backup")
        _ = try vault.createBackup(path: backup)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: backup))
        XCTAssertGreaterThan(bytes.count, 1000)
        let middle = bytes.startIndex + bytes.count / 2
        bytes[middle] ^= 0x01
        let tampered = path("tampered.backup")
        try bytes.write(to: URL(fileURLWithPath: tampered))

        for (name, restore) in [
            ("passphrase", { try HavenVault.restoreWithPassphrase(backup: tampered, target: self.path("t1.haven"), passphrase: passphrase) }),
            ("recovery key", { try HavenVault.restoreWithRecoveryKey(backup: tampered, target: self.path("t2.haven"), recoveryKey: recoveryKey) }),
        ] as [(String, () throws -> HavenVault)] {
            assertThrowsCase("BadBackup (\(name))", try restore()) {
                if case .BadBackup = $0 { return true } else { return false }
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("t1.haven")), "a refused restore leaves nothing")

        // A truncated backup too.
        try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: tampered + ".short"))
        assertThrowsCase("BadBackup (truncated)", try HavenVault.restoreWithPassphrase(
            backup: tampered + ".short", target: path("t3.haven"), passphrase: passphrase)) {
            if case .BadBackup = $0 { return true } else { return false }
        }
    }

    /// Writes `count` entries to a new vault, closes it (so SQLite folds its
    /// WAL back into the file) and returns the entry ids, oldest first.
    private func vaultWithEntries(_ count: Int) throws -> [String] {
        let vault = try newVault().vault
        let ids = try (0..<count).map { try vault.addEntry(draft: draft("entry number \($0)", mood: 5)).id }
        XCTAssertTrue(try vault.verify().damaged.isEmpty)
        return ids
    }

    func testFlippedBytesInTheVaultFilesLaterPagesAreReportedByVerify() throws {
        let ids = try vaultWithEntries(40)
        let file = URL(fileURLWithPath: path("vault.haven"))
        var bytes = try Data(contentsOf: file)
        XCTAssertGreaterThan(bytes.count, 4 * 4096, "expected a multi-page SQLite file")

        // The newest entries live in the file's later pages. Each record row
        // holds its id, then its kind as a keyed 8-byte tag (issue 9: no kind
        // names), its revision, then the sealed body. The id also appears in
        // the id index, so the row is told by its SQLite record header, which
        // ends just before the id: serial types 0x4D (32-char id), 0x1C (an
        // 8-byte tag), 6 or 5 (the revision), then the body's (2 bytes). Flip
        // a byte a little way into the body (its nonce), so the row stays
        // well-formed for SQLite and only the cryptography can notice.
        let tamperedIds = Array(ids.suffix(3))
        for id in tamperedIds {
            let marker = Data(id.utf8)
            var row: Range<Data.Index>? = nil
            var from = bytes.startIndex
            while let found = bytes.range(of: marker, in: from..<bytes.endIndex) {
                let h = found.lowerBound
                if h >= 5, bytes[h - 5] == 0x4D, bytes[h - 4] == 0x1C, [5, 6].contains(bytes[h - 3]) {
                    row = found
                    break
                }
                from = found.upperBound
            }
            let found = try XCTUnwrap(row, "record \(id) not found in the main file")
            XCTAssertGreaterThan(found.lowerBound, bytes.count / 4, "expected \(id) past the first pages")
            let revision = bytes[found.lowerBound - 3] == 6 ? 8 : 6
            bytes[found.upperBound + 8 + revision + 16] ^= 0x40
        }
        try bytes.write(to: file)

        let vault = try HavenVault.open(path: file.path)
        try vault.unlockWithPassphrase(passphrase: passphrase, listener: nil, token: nil)
        let report = try vault.verify()
        XCTAssertEqual(Set(report.damaged), Set(tamperedIds))
        XCTAssertEqual(report.intactByKind.first { $0.kind == "journal" }?.count, UInt64(ids.count - 3))

        for id in tamperedIds {
            assertThrows("corrupt", try vault.getEntry(id: id))
        }
        XCTAssertEqual(try vault.getEntry(id: ids[0]).text, "entry number 0")
        // Listing surfaces the damage instead of silently skipping entries.
        assertThrowsCase("Corrupt", try vault.allEntries()) {
            if case .Corrupt(let m) = $0 { return tamperedIds.contains(where: { m.contains($0) }) } else { return false }
        }
    }
}
