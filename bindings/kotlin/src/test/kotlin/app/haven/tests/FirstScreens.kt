package app.haven.tests

import app.haven.HavenVault
import app.haven.KeyStore
import app.haven.createVaultAsync
import app.haven.core.DocumentContent
import app.haven.core.ExportKind
import app.haven.core.VersionRef
import app.haven.core.HavenException
import app.haven.core.KdfParams
import app.haven.core.Region
import app.haven.core.SignOff
import app.haven.core.WarningSign
import app.haven.draft
import app.haven.newCrisisPlan
import java.time.LocalDate
import java.time.ZoneOffset

// The first screens of an app, in the order a person meets them. This file
// is the sample in bindings/kotlin/README.md ("The first screens"), compiled
// and run by FirstScreensTest; the test fails if the README's copy drifts.
// README-SAMPLE-START
/** What the screens show; an app's ViewModels would hold these. */
class Screens {
    var recoveryKeyShownOnce: String? = null
    var errorShown: String? = null
    var cardPdf: ByteArray? = null
}

suspend fun firstScreens(path: String, passphrase: String, keyStore: KeyStore, kdf: KdfParams, ui: Screens) {
    // 1. Welcome: create the vault (Argon2id runs off the main thread; a
    //    cancelled coroutine stops it and leaves no file behind).
    val created = createVaultAsync(path, passphrase, kdf)
    ui.recoveryKeyShownOnce = created.recoveryKey    // show once; never store it
    created.vault.use { vault ->
        vault.enableDeviceUnlockAsync(keyStore)      // Android Keystore: see "Device unlock"
    }

    // 2. Next launch: unlock with the device key, or fall back to the passphrase.
    HavenVault.open(path).use { vault ->
        try {
            vault.unlockWithKeyStoreAsync(keyStore)
        } catch (e: HavenException) {
            ui.errorShown = e.message                   // a sentence the screen can show
            vault.unlockWithPassphraseAsync(passphrase)
        }
        vault.startSession(idleTimeoutSeconds = 300).use { session ->
            // 3. Journal: write today's entry.
            session.touch()
            vault.addEntry(draft("Slept badly, walked to the park", mood = 4, tags = listOf("sleep")))

            // 4. Crisis plan: fill in a draft from the region's template.
            val template = newCrisisPlan(Region.UK)
            val draftPlan = vault.createDocument(
                DocumentContent.CrisisPlan(template.copy(
                    warningSigns = listOf(WarningSign("", "Not answering the phone")),
                    reasonsForLiving = listOf("My cat"),
                )),
            )

            // 5. Sign it: it becomes the active plan.
            val today = LocalDate.now(ZoneOffset.UTC)
            val signed = vault.signVersion(
                draftPlan.documentId, draftPlan.hash,
                SignOff("Robin Example", today, true, "I made this plan with my care coordinator.", "", null),
            )

            // 6. Wallet card: a one-page PDF to print or share.
            ui.cardPdf = vault.exportPdfAsync(ExportKind.CRISIS_CARD_PDF, VersionRef(signed.documentId, signed.hash)).bytes
        }
    }
}
// README-SAMPLE-END
