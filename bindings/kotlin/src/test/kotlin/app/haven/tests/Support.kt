package app.haven.tests

import app.haven.CreatedVault
import app.haven.KeyStore
import app.haven.KeyStoreException
import app.haven.ProgressListener
import app.haven.core.KdfParams
import app.haven.createVault
import java.nio.file.Path
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.CopyOnWriteArrayList

const val PASSPHRASE = "correct horse battery staple"

/**
 * The floor (19 MiB, 2 passes), so the tests run fast. The bindings do not
 * offer it to apps (issue 9); tests build it like an app on a weak device would.
 */
fun testKdfParams(): KdfParams = KdfParams(memoryKib = 19u * 1024u, iterations = 2u, parallelism = 1u)

/** A fresh vault in [dir] (cheapest Argon2id unless told otherwise), unlocked. */
fun newVault(dir: Path, name: String = "vault.haven", kdf: KdfParams = testKdfParams()): CreatedVault =
    createVault(dir.resolve(name).toString(), PASSPHRASE, kdf)

/**
 * Stands in for Android Keystore: an in-memory map. Copies the bytes in and
 * out, as a real key store would, so nobody shares an array with the core.
 */
class InMemoryKeyStore : KeyStore {
    val keys = ConcurrentHashMap<String, ByteArray>()

    /** When set, `store` fails as a locked-out Keystore would. */
    @Volatile var unavailable = false

    override fun store(alias: String, key: ByteArray) {
        if (unavailable) throw KeyStoreException.Unavailable("key store unavailable")
        keys[alias] = key.copyOf()
    }

    override fun load(alias: String): ByteArray? = keys[alias]?.copyOf()

    override fun remove(alias: String) {
        keys.remove(alias)
    }
}

/** Records every progress report, from whichever thread it arrives on. */
class RecordingListener(private val onReport: (String, Double) -> Unit = { _, _ -> }) : ProgressListener {
    val reports = CopyOnWriteArrayList<Pair<String, Double>>()

    override fun onProgress(step: String, fraction: Double) {
        reports += step to fraction
        onReport(step, fraction)
    }
}

/**
 * `assertThrows<T> { ... }`: JUnit's own Kotlin extension is missing from
 * Debian's junit5 jars (built without Kotlin), so here is the one-liner.
 */
inline fun <reified T : Throwable> assertThrows(noinline block: () -> Unit): T =
    org.junit.jupiter.api.Assertions.assertThrows(T::class.java, block)
