// The first screens of an app, in the order a person meets them. This file
// is the sample in bindings/swift/README.md, compiled and run by
// FirstScreensTests; the test fails if the README's copy drifts.
import Foundation
import Haven

// README-SAMPLE-START
/// What the screens show; an app's view models would hold these.
final class Screens: @unchecked Sendable {
    var recoveryKeyShownOnce: String?
    var errorShown: String?
    var cardPdf: Data?
}

func firstScreens(path: String, passphrase: String, keyStore: KeyStore, kdf: KdfParams, ui: Screens) async throws {
    // 1. Welcome: create the vault (Argon2id off the main thread; cancelling
    //    the Task stops it and leaves no file behind).
    let created = try await withCancelToken { token in
        try await createVaultAsync(path: path, passphrase: passphrase, kdf: kdf, listener: nil, token: token)
    }
    ui.recoveryKeyShownOnce = created.recoveryKey      // show once; never store it
    _ = try await created.vault.enableDeviceUnlockAsync(store: keyStore, token: nil)

    // 2. Next launch: unlock with the device key, or fall back to the passphrase.
    let vault = try HavenVault.open(path: path)
    do {
        try await vault.unlockWithKeyStoreAsync(store: keyStore, token: nil)
    } catch let error as HavenError {
        ui.errorShown = error.localizedDescription     // a sentence the screen can show
        try await vault.unlockWithPassphraseAsync(passphrase: passphrase, listener: nil, token: nil)
    }
    let session = try vault.startSession(idleTimeoutSeconds: 300)
    defer { session.stop() }

    // 3. Journal: write today's entry.
    session.touch()
    _ = try vault.addEntry(draft: Draft(text: "Slept badly, walked to the park", mood: 4, tags: ["sleep"]))

    // 4. Crisis plan: fill in a draft from the region's template.
    var plan = newCrisisPlan(region: .uk)
    plan.warningSigns = [WarningSign(id: "", text: "Not answering the phone")]
    plan.reasonsForLiving = ["My cat"]
    let draftPlan = try vault.createDocument(content: .crisisPlan(plan: plan))

    // 5. Sign it: it becomes the active plan.
    let signOff = SignOff(makerName: "Robin Example", signedOn: isoDay(Date()), confirmsCapacity: true,
                          capacityStatement: "I made this plan with my care coordinator.", supportUsed: "", witness: nil)
    let signed = try vault.signVersion(documentId: draftPlan.documentId, versionHash: draftPlan.hash, signOff: signOff)

    // 6. Wallet card: a one-page PDF to print or share.
    ui.cardPdf = try await vault.exportPdfAsync(kind: .crisisCardPdf,
                                                version: VersionRef(documentId: signed.documentId, versionHash: signed.hash),
                                                listener: nil, token: nil).bytes
}

/// A day as the core's calendar date: year, month and day (UTC, as the core
/// counts days).
func isoDay(_ date: Date) -> DateComponents {
    var utc = Calendar(identifier: .gregorian)
    utc.timeZone = TimeZone(identifier: "UTC") ?? utc.timeZone
    return utc.dateComponents([.year, .month, .day], from: date)
}
// README-SAMPLE-END
