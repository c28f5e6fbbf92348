package app.haven.tests

import app.haven.HavenVault
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths

class FirstScreensTest {
    @TempDir
    lateinit var dir: Path

    @Test
    fun `the README's first screens run end to end`() {
        val ui = Screens()
        val store = InMemoryKeyStore()
        val path = dir.resolve("haven.vault").toString()
        runBlocking { firstScreens(path, PASSPHRASE, store, testKdfParams(), ui) }
        assertNotNull(ui.recoveryKeyShownOnce)
        assertNull(ui.errorShown, "the device key unlocked it")
        val pdf = ui.cardPdf!!
        assertEquals("%PDF", String(pdf, 0, 4, Charsets.US_ASCII))
        HavenVault.open(path).use { vault ->
            vault.unlockWithPassphrase(PASSPHRASE, null, null)
            assertEquals(1, vault.allEntries().size)
            assertNotNull(vault.crisisPlan()?.signOff, "the plan was signed")
        }
    }

    @Test
    fun `the README shows exactly the sample that is compiled here`() {
        val repo = Paths.get(System.getProperty("haven.repo") ?: error("test.sh passes -Dhaven.repo"))
        val sample = Files.readString(repo.resolve("bindings/kotlin/src/test/kotlin/app/haven/tests/FirstScreens.kt"))
            .substringAfter("// README-SAMPLE-START\n").substringBefore("// README-SAMPLE-END")
        val readme = Files.readString(repo.resolve("bindings/kotlin/README.md"))
        assertTrue(sample.length > 500 && readme.contains(sample), "README's first-screens sample differs from FirstScreens.kt")
    }
}
