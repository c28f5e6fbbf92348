package app.haven.tests

import app.haven.CancelToken
import app.haven.HavenVault
import app.haven.core.HavenException
import app.haven.core.SlotKind
import app.haven.defaultKdfParams
import app.haven.draft
import app.haven.withUnlocked
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Path
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

class VaultTest {
    @TempDir
    lateinit var dir: Path

    @Test
    fun `a vault unlocks with the passphrase, the recovery key and a device key from the key store`() {
        val created = newVault(dir)
        val recoveryKey = created.recoveryKey
        val store = InMemoryKeyStore()
        created.vault.use { vault ->
            assertTrue(vault.isUnlocked())
            val slot = vault.enableDeviceUnlock(store)
            assertEquals(1, store.keys.size)
            assertTrue(store.keys.keys.single().contains(vault.id()))
            assertTrue(vault.keySlots().any { it.id == slot && it.kind == SlotKind.DEVICE })
            vault.addEntry(draft("written before locking"))
        }

        HavenVault.open(dir.resolve("vault.haven").toString()).use { vault ->
            assertFalse(vault.isUnlocked())

            vault.unlockWithPassphrase(PASSPHRASE, null, null)
            assertEquals(1, vault.allEntries().size)
            vault.lock()
            assertFalse(vault.isUnlocked())

            // As printed, then as someone might type it: lower case, no dashes.
            vault.unlockWithRecoveryKey(recoveryKey)
            assertTrue(vault.isUnlocked())
            vault.lock()
            vault.unlockWithRecoveryKey(recoveryKey.lowercase().replace("-", " "))
            assertTrue(vault.isUnlocked())
            vault.lock()

            vault.unlockWithKeyStore(store)
            assertEquals("written before locking", vault.allEntries().single().text)
        }
    }

    @Test
    fun `a wrong passphrase is WrongPassphrase and leaves the vault locked`() {
        newVault(dir).vault.use { it.addEntry(draft("kept")) }
        HavenVault.open(dir.resolve("vault.haven").toString()).use { vault ->
            assertThrows<HavenException.WrongPassphrase> { vault.unlockWithPassphrase("not it", null, null) }
            assertFalse(vault.isUnlocked())
            assertThrows<HavenException.Locked> { vault.allEntries() }
            assertThrows<HavenException.MistypedRecoveryKey> { vault.unlockWithRecoveryKey("AAAAA-BBBBB") }
            // Someone else's key store holds no key for this vault.
            assertThrows<HavenException.WrongDeviceKey> { vault.unlockWithKeyStore(InMemoryKeyStore()) }
            assertFalse(vault.isUnlocked())
            // Nothing was written by the failed attempts.
            assertEquals(listOf("kept"), vault.withUnlocked(PASSPHRASE) { v -> v.allEntries().map { it.text } })
            assertFalse(vault.isUnlocked(), "withUnlocked locks again")
        }
    }

    @Test
    fun `a key store that fails leaves no device slot behind`() {
        newVault(dir).vault.use { vault ->
            val slotsBefore = vault.keySlots()
            val store = InMemoryKeyStore().apply { unavailable = true }
            val e = assertThrows<HavenException.Platform> { vault.enableDeviceUnlock(store) }
            assertTrue(e.message!!.contains("key store unavailable"), e.message)
            assertEquals(slotsBefore, vault.keySlots())
        }
    }

    @Test
    fun `a changed passphrase replaces the old one and the recovery key still works`() {
        val created = newVault(dir)
        created.vault.use { it.changePassphrase("a new passphrase for a new year") }
        HavenVault.open(dir.resolve("vault.haven").toString()).use { vault ->
            assertThrows<HavenException.WrongPassphrase> { vault.unlockWithPassphrase(PASSPHRASE, null, null) }
            vault.recover(created.recoveryKey, "recovered passphrase")
            assertTrue(vault.isUnlocked())
            vault.lock()
            vault.unlockWithPassphrase("recovered passphrase", null, null)
            assertTrue(vault.isUnlocked())
        }
    }

    @Test
    fun `unlock progress with the default cost rises monotonically and ends at 1`() {
        val params = defaultKdfParams()
        assertEquals(64u * 1024u, params.memoryKib)
        newVault(dir, kdf = params).vault.close()
        HavenVault.open(dir.resolve("vault.haven").toString()).use { vault ->
            val listener = RecordingListener()
            vault.unlockWithPassphrase(PASSPHRASE, listener, CancelToken())
            assertTrue(vault.isUnlocked())
            val fractions = listener.reports.map { it.second }
            assertTrue(fractions.size >= 2, "reports: $fractions")
            assertEquals(0.0, fractions.first())
            assertEquals(1.0, fractions.last())
            fractions.zipWithNext().forEach { (a, b) -> assertTrue(b >= a, "not monotonic: $fractions") }
            assertTrue(fractions.all { it in 0.0..1.0 })
            assertTrue(listener.reports.all { it.first.isNotBlank() })
        }
    }

    @Test
    fun `a token cancelled before or during unlocking gives Cancelled and the vault stays locked`() {
        newVault(dir, kdf = defaultKdfParams()).vault.close()
        HavenVault.open(dir.resolve("vault.haven").toString()).use { vault ->
            CancelToken().use { token ->
                token.cancel()
                assertTrue(token.isCancelled())
                assertThrows<HavenException.Cancelled> { vault.unlockWithPassphrase(PASSPHRASE, null, token) }
                assertFalse(vault.isUnlocked())
            }

            // Cancel from another thread once the key derivation has begun
            // (64 MiB Argon2id takes far longer than the core's 15 ms poll).
            CancelToken().use { token ->
                val started = CountDownLatch(1)
                val listener = RecordingListener { _, _ -> started.countDown() }
                val canceller = Thread {
                    started.await(10, TimeUnit.SECONDS)
                    token.cancel()
                }.apply { start() }
                assertThrows<HavenException.Cancelled> { vault.unlockWithPassphrase(PASSPHRASE, listener, token) }
                canceller.join()
                assertFalse(vault.isUnlocked())
                assertTrue(listener.reports.none { it.second == 1.0 }, "no completion reported")
                assertThrows<HavenException.Locked> { vault.allEntries() }
            }

            // Nothing was broken by the cancelled attempts.
            vault.unlockWithPassphrase(PASSPHRASE, null, CancelToken())
            assertTrue(vault.isUnlocked())
        }
    }

    @Test
    fun `one vault object serves many threads at once`() {
        val threads = 8
        val perThread = 25
        newVault(dir).vault.use { vault ->
            val pool = Executors.newFixedThreadPool(threads)
            val go = CountDownLatch(1)
            val futures = (0 until threads).map { t ->
                pool.submit<List<String>> {
                    go.await()
                    (0 until perThread).map { i ->
                        val e = vault.addEntry(draft("thread $t entry $i", mood = 1 + (i % 10), tags = listOf("t$t")))
                        // Readers run alongside the writers.
                        if (i % 5 == 0) vault.listEntries(10, null)
                        e.id
                    }
                }
            }
            go.countDown()
            val ids = futures.flatMap { it.get(120, TimeUnit.SECONDS) }
            pool.shutdown()
            assertEquals(threads * perThread, ids.size)
            assertEquals(threads * perThread, ids.toSet().size, "ids are unique")
            val all = vault.allEntries()
            assertEquals(threads * perThread, all.size)
            for (t in 0 until threads) {
                assertEquals(perThread, vault.searchEntries("thread $t entry").size)
            }
            assertTrue(vault.verify().damaged.isEmpty())
        }
    }

    @Test
    fun `creating over an existing vault is refused`() {
        newVault(dir).vault.close()
        val e = assertThrows<HavenException.AlreadyExists> { newVault(dir) }
        assertTrue(e.message!!.contains("vault.haven"), e.message)
    }
}
