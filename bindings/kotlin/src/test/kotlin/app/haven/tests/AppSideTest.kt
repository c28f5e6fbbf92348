package app.haven.tests

import app.haven.HavenVault
import app.haven.KeyStore
import app.haven.KeyStoreException
import app.haven.SaveOutcome
import app.haven.VaultEvent
import app.haven.VaultListener
import app.haven.code
import app.haven.core.DocumentContent
import app.haven.core.HavenException
import app.haven.core.KdfParams
import app.haven.core.Region
import app.haven.defaultKdfParams
import app.haven.draft
import app.haven.newCrisisPlan
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.async
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Path
import java.time.LocalDate
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit

/** What an app team meets first: logs, error text, dates, cancellation, observation, paging, conflicts. */
class AppSideTest {
    @TempDir
    lateinit var dir: Path

    private val words = "Zephyrine hides the pills in the blue teapot"

    @Test
    fun `toString of an entry, a plan and the created vault shows none of the words nor the recovery key`() {
        val created = newVault(dir)
        created.vault.use { vault ->
            val entry = vault.addEntry(draft(words, mood = 4, tags = listOf("teapot")))
            val plan = newCrisisPlan(Region.UK).copy(whenWell = words)
            val version = vault.createDocument(DocumentContent.CrisisPlan(plan))
            for (text in listOf(entry.toString(), plan.toString(), version.toString(), created.toString(),
                                vault.listEntries(10, null).toString())) {
                assertFalse(text.contains("Zephyrine") || text.contains("teapot"), text)
                assertFalse(text.contains(created.recoveryKey), text)
            }
            assertTrue(entry.toString().startsWith("Entry"), entry.toString())
        }
    }

    @Test
    fun `every error has a stable code and a human message that quotes nothing`() {
        val created = newVault(dir)
        val path = dir.resolve("vault.haven").toString()
        val errors = mutableListOf<HavenException>()
        created.vault.use { vault ->
            errors += assertThrows<HavenException.InvalidInput> { vault.addEntry(draft(words, mood = 11)) }
            errors += assertThrows<HavenException.NotFound> { vault.getEntry("0123456789abcdef") }
            errors += assertThrows<HavenException.InvalidInput> { vault.listEntries(5, "not a cursor $words") }
            vault.lock()
            errors += assertThrows<HavenException.Locked> { vault.addEntry(draft(words)) }
            errors += assertThrows<HavenException.WrongPassphrase> { vault.unlockWithPassphrase("wrong $words", null, null) }
        }
        errors += assertThrows<HavenException.AlreadyExists> { newVault(dir) }
        val codes = mutableSetOf<String>()
        for (e in errors) {
            val m = e.message ?: ""
            assertTrue(m.length > 10, "message of ${e.code}: '$m'")
            assertFalse(m.contains("Zephyrine") || m.contains('"') || m.contains("=") , m)
            assertFalse(m.contains("at app.haven") || m.contains("backtrace"), m)
            codes += e.code
        }
        assertEquals(setOf("invalid_input", "not_found", "locked", "wrong_passphrase", "already_exists"), codes)
        assertTrue(path.isNotEmpty())
    }

    @Test
    fun `a date the core cannot take is InvalidInput, not an internal error`() {
        newVault(dir).vault.use { vault ->
            val plan = vault.createDocument(DocumentContent.CrisisPlan(newCrisisPlan(Region.UK)))
            vault.setNextReview(plan.documentId, LocalDate.of(2030, 1, 31))
            assertThrows<HavenException.InvalidInput> { vault.setNextReview(plan.documentId, LocalDate.MAX) }
        }
    }

    @Test
    fun `cancelling the coroutine stops an unlock and surfaces as cancellation`() {
        // The default (64 MiB) Argon2id: long enough to cancel in the middle.
        val kdf: KdfParams = defaultKdfParams()
        newVault(dir, kdf = kdf).vault.use { it.lock() }
        HavenVault.open(dir.resolve("vault.haven").toString()).use { vault ->
            val started = CountDownLatch(1)
            runBlocking {
                val unlock = async(kotlinx.coroutines.Dispatchers.Default) {
                    vault.unlockWithPassphraseAsync(PASSPHRASE, RecordingListener { step, _ ->
                        if (step == "derive_key") started.countDown()
                    }, null)
                }
                assertTrue(started.await(30, TimeUnit.SECONDS))
                unlock.cancel()
                val thrown = runCatching { unlock.await() }.exceptionOrNull()
                assertTrue(thrown is CancellationException, "got $thrown")
            }
            // The core stopped: still locked, and the worker is not finishing behind our back.
            Thread.sleep(300)
            assertFalse(vault.isUnlocked())
            runBlocking { withTimeout(60_000) { vault.unlockWithPassphraseAsync(PASSPHRASE, null, null) } }
            assertTrue(vault.isUnlocked())
        }
    }

    @Test
    fun `an observer sees a write from a second vault handle, and lock and unlock`() {
        val path = dir.resolve("vault.haven").toString()
        newVault(dir).vault.use { first ->
            val events = CopyOnWriteArrayList<VaultEvent>()
            val sawEntry = CountDownLatch(1)
            val sawLock = CountDownLatch(1)
            val listener = object : VaultListener {
                override fun onEvent(event: VaultEvent) {
                    events += event
                    if (event is VaultEvent.Changed) sawEntry.countDown()
                    if (event is VaultEvent.Locked) sawLock.countDown()
                }
            }
            first.observe(listener, 50).use { handle ->
                val written = HavenVault.open(path).use { second ->
                    second.unlockWithPassphrase(PASSPHRASE, null, null)
                    second.addEntry(draft("from the widget")).id
                }
                assertTrue(sawEntry.await(10, TimeUnit.SECONDS), "events: $events")
                val changed = events.filterIsInstance<VaultEvent.Changed>().flatMap { it.changes }
                assertEquals(listOf(written), changed.map { it.id })
                first.lock()
                assertTrue(sawLock.await(10, TimeUnit.SECONDS), "events: $events")
                handle.cancel()
                assertTrue(handle.isCancelled())
            }
        }
    }

    @Test
    fun `a session locks the vault after the idle timeout unless touched`() {
        newVault(dir).vault.use { vault ->
            vault.startSession(2).use { session ->
                repeat(6) { Thread.sleep(500); session.touch() }
                assertTrue(vault.isUnlocked(), "touched every half second for 3 s")
                val deadline = System.nanoTime() + 10_000_000_000
                while (vault.isUnlocked() && System.nanoTime() < deadline) Thread.sleep(100)
                assertFalse(vault.isUnlocked(), "locked after 2 s without a touch")
            }
        }
    }

    @Test
    fun `paging continues after the cursor entry is deleted, and search pages`() {
        newVault(dir).vault.use { vault ->
            val ids = (1..7).map { vault.addEntry(draft("walk $it")).id }
            val first = vault.listEntries(3, null)
            assertEquals(ids.takeLast(3).reversed(), first.entries.map { it.id })
            vault.deleteEntry(first.entries.last().id)
            val next = vault.listEntries(3, first.nextCursor)
            assertEquals(ids.take(4).reversed().take(3), next.entries.map { it.id })

            val found = vault.searchEntriesPage("WALK", 4, null)
            assertEquals(4, found.entries.size)
            val rest = vault.searchEntriesPage("walk", 4, found.nextCursor)
            assertEquals(2, rest.entries.size)
            assertEquals(null, rest.nextCursor)
        }
    }

    @Test
    fun `saving from a stale parent is a conflict naming the newer version, and branching is explicit`() {
        newVault(dir).vault.use { vault ->
            val v1 = vault.createDocument(DocumentContent.CrisisPlan(newCrisisPlan(Region.UK)))
            val edit = DocumentContent.CrisisPlan(newCrisisPlan(Region.UK).copy(whenWell = "walks"))
            val v2 = (vault.saveVersion(v1.documentId, v1.hash, edit) as SaveOutcome.Saved).version
            when (val stale = vault.saveVersion(v1.documentId, v1.hash, edit)) {
                is SaveOutcome.Conflict -> assertEquals(v2.hash, stale.newer.hash)
                is SaveOutcome.Saved -> throw AssertionError("a stale save was accepted")
            }
            assertEquals(2, vault.documentHistory(v1.documentId).size)
            val branch = vault.saveVersionAsBranch(v1.documentId, v1.hash, edit)
            assertEquals(2, branch.number)
            assertEquals(v2.documentId, vault.crisisPlan()?.documentId)
        }
    }

    private class FailingStore(private val error: KeyStoreException) : KeyStore {
        val inner = InMemoryKeyStore()
        @Volatile var failLoads = false
        override fun store(alias: String, key: ByteArray) = inner.store(alias, key)
        override fun load(alias: String): ByteArray? = if (failLoads) throw error else inner.load(alias)
        override fun remove(alias: String) = inner.remove(alias)
    }

    @Test
    fun `each key store error maps to its own case`() {
        newVault(dir).vault.use { vault ->
            val cases = listOf(
                KeyStoreException.Cancelled() to HavenException.Cancelled::class,
                KeyStoreException.KeyInvalidated() to HavenException.DeviceKeyInvalidated::class,
                KeyStoreException.LockedOut() to HavenException.KeyStoreLockedOut::class,
                KeyStoreException.Unavailable("no secure hardware") to HavenException.Platform::class,
            )
            for ((error, expected) in cases) {
                val store = FailingStore(error)
                vault.enableDeviceUnlock(store)
                vault.lock()
                store.failLoads = true
                val thrown = runCatching { vault.unlockWithKeyStore(store) }.exceptionOrNull()
                assertEquals(expected, thrown?.let { it::class }, "for $error: $thrown")
                assertFalse(vault.isUnlocked())
                vault.unlockWithPassphrase(PASSPHRASE, null, null)
            }
        }
    }
}
