package app.haven.tests

import app.haven.CancelToken
import app.haven.HavenVault
import app.haven.code
import app.haven.core.HavenException
import app.haven.core.Rollback
import app.haven.draft
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardCopyOption
import java.sql.DriverManager

/**
 * Issue 9 from the app's side: the vault state (a row removed with sqlite3
 * is `Integrity`), the epoch kept in the app's key store (an older copy of
 * the file is `RolledBack` until the person accepts it), and `rekey`.
 */
class VaultStateTest {
    @TempDir
    lateinit var dir: Path

    private fun path(name: String) = dir.resolve(name).toString()

    /** The epoch held in the key store: 8 bytes, little-endian. */
    private fun heldEpoch(store: InMemoryKeyStore): ULong {
        val bytes = store.keys.entries.single { it.key.endsWith(".epoch") }.value
        return java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).long.toULong()
    }

    @Test
    fun `a journal row deleted with sqlite3 is Integrity on unlock and the file is left as it was`() {
        val vaultPath = path("vault.haven")
        val ids = newVault(dir).vault.use { vault -> (1..4).map { vault.addEntry(draft("entry $it")).id } }
        DriverManager.getConnection("jdbc:sqlite:$vaultPath").use { conn ->
            conn.prepareStatement("DELETE FROM records WHERE id = ?").use { st ->
                st.setString(1, ids[1])
                assertEquals(1, st.executeUpdate())
            }
        }
        val before = Files.readAllBytes(dir.resolve("vault.haven"))
        HavenVault.open(vaultPath).use { vault ->
            val e = assertThrows<HavenException.Integrity> { vault.unlockWithPassphrase(PASSPHRASE, null, null) }
            assertEquals("integrity", e.code)
            assertFalse(vault.isUnlocked())
        }
        assertArrayEquals(before, Files.readAllBytes(dir.resolve("vault.haven")))
    }

    @Test
    fun `an older copy of the file is RolledBack until the person accepts it`() {
        val store = InMemoryKeyStore()
        val vaultPath = path("vault.haven")
        newVault(dir).vault.use { vault ->
            vault.keepEpochIn(store)
            vault.addEntry(draft("written before the copy"))
        }
        val copy = dir.resolve("old-copy.haven")
        Files.copy(dir.resolve("vault.haven"), copy)
        val atCopy = heldEpoch(store)
        HavenVault.open(vaultPath).use { vault ->
            vault.keepEpochIn(store)
            vault.unlockWithPassphrase(PASSPHRASE, null, null)
            vault.addEntry(draft("written after the copy"))
            vault.addEntry(draft("and another"))
        }
        assertTrue(store.keys.keys.any { it.endsWith(".epoch") }, "the epoch is held in the key store")
        val latest = heldEpoch(store)
        assertTrue(latest >= atCopy + 2uL, "$latest after $atCopy")

        // Someone puts the old file back.
        Files.copy(copy, dir.resolve("vault.haven"), StandardCopyOption.REPLACE_EXISTING)
        val swapped = Files.readAllBytes(dir.resolve("vault.haven"))
        HavenVault.open(vaultPath).use { vault ->
            vault.keepEpochIn(store)
            assertNull(vault.pendingRollback())
            val e = assertThrows<HavenException.RolledBack> { vault.unlockWithPassphrase(PASSPHRASE, null, null) }
            assertEquals("rolled_back", e.code)
            assertFalse(vault.isUnlocked())
            // What the confirmation screen shows: the newest epoch this
            // device saw, and the older one in the file put back.
            assertEquals(Rollback(held = latest, found = atCopy), vault.pendingRollback())
            assertTrue(e.message!!.contains("epoch $atCopy") && e.message!!.contains("at least $latest"), e.message)
            // Still refused on a second try: nothing was accepted silently.
            assertThrows<HavenException.RolledBack> { vault.unlockWithPassphrase(PASSPHRASE, null, null) }
        }
        assertArrayEquals(swapped, Files.readAllBytes(dir.resolve("vault.haven")))

        // The person restored it on purpose: accepted once, then it is the newest.
        HavenVault.open(vaultPath).use { vault ->
            vault.keepEpochIn(store)
            assertThrows<HavenException.RolledBack> { vault.unlockWithPassphrase(PASSPHRASE, null, null) }
            assertEquals(Rollback(held = latest, found = atCopy), vault.pendingRollback())
            vault.acceptRollback()
            vault.unlockWithPassphrase(PASSPHRASE, null, null)
            assertNull(vault.pendingRollback())
            assertEquals(atCopy, heldEpoch(store), "the held epoch moved back to the file's")
            assertEquals(listOf("written before the copy"), vault.allEntries().map { it.text })
        }
        HavenVault.open(vaultPath).use { vault ->
            vault.keepEpochIn(store)
            vault.unlockWithPassphrase(PASSPHRASE, null, null)
        }
    }

    @Test
    fun `rekey replaces every secret, keeps every entry, and cancelled changes nothing`() {
        val created = newVault(dir)
        val vaultPath = path("vault.haven")
        val store = InMemoryKeyStore()
        val texts = (1..20).map { "entry $it" }
        val newPassphrase = "a passphrase nobody else knows"
        val newRecovery = created.vault.use { vault ->
            texts.forEach { vault.addEntry(draft(it)) }
            vault.enableDeviceUnlock(store)
            // Cancelled before it starts: nothing changes.
            assertThrows<HavenException.Cancelled> {
                vault.rekey(newPassphrase, testKdfParams(), null, CancelToken().apply { cancel() })
            }
            val listener = RecordingListener()
            val rk = vault.rekey(newPassphrase, testKdfParams(), listener, null)
            assertEquals("done" to 1.0, listener.reports.last())
            assertTrue(listener.reports.any { it.first == "resealing" })
            assertEquals(texts.reversed(), vault.allEntries().map { it.text })
            assertEquals(2, vault.keySlots().size, "a passphrase and a recovery slot; the device slot is gone")
            rk
        }
        assertNotEquals(created.recoveryKey, newRecovery)
        HavenVault.open(vaultPath).use { vault ->
            assertThrows<HavenException.WrongPassphrase> { vault.unlockWithPassphrase(PASSPHRASE, null, null) }
            assertThrows<HavenException.WrongRecoveryKey> { vault.unlockWithRecoveryKey(created.recoveryKey) }
            assertThrows<HavenException.WrongDeviceKey> { vault.unlockWithKeyStore(store) }
            vault.unlockWithRecoveryKey(newRecovery)
            vault.lock()
            vault.unlockWithPassphrase(newPassphrase, null, null)
            assertEquals(texts.reversed(), vault.allEntries().map { it.text })
            assertTrue(vault.verify().damaged.isEmpty())
        }
    }
}
