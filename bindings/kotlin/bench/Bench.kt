// The Kotlin side of the bindings benchmark (issue 5): the same journal
// workloads as bindings/src/bin/ffi-baseline.rs, through the generated
// bindings (JNA + RustBuffer serialisation), on a fresh vault of the same
// generated data. Runs the Rust baseline as a subprocess and prints both
// medians and their ratio. Run it with bindings/kotlin/bench.sh.
package app.haven.bench

import app.haven.core.Draft
import app.haven.core.KdfParams
import app.haven.createVault
import app.haven.entryPages
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit

private const val FILL_SEED = 0x4841_5645_4E00_0001L
private const val ADD_SEED = 0x4841_5645_4E00_0002L
private const val PAGE = 50

private val WORDS = listOf(
    "today", "slept", "badly", "walked", "to", "the", "park", "and", "felt", "a", "little",
    "calmer", "after", "talking", "with", "Sam", "about", "work", "voices", "were", "quieter",
    "tired", "anxious", "hopeful", "medication", "appointment", "ward", "sunlight", "rain",
    "tea", "music", "breathing",
)
private val TAGS = listOf("sleep", "meds", "work", "family", "walk", "anxiety", "mood", "therapy")

/** SplitMix64, bit for bit as in ffi-baseline.rs (unsigned arithmetic on Long). */
private class SplitMix64(private var state: Long) {
    fun next(): Long {
        state += 0x9E3779B97F4A7C15uL.toLong()
        var z = state
        z = (z xor (z ushr 30)) * 0xBF58476D1CE4E5B9uL.toLong()
        z = (z xor (z ushr 27)) * 0x94D049BB133111EBuL.toLong()
        return z xor (z ushr 31)
    }

    fun below(n: Int): Int = java.lang.Long.remainderUnsigned(next(), n.toLong()).toInt()
}

private fun drafts(seed: Long, count: Int): List<Draft> {
    val rng = SplitMix64(seed)
    return List(count) {
        val len = 200 + rng.below(4096 - 200 + 1)
        val text = StringBuilder(len + 16)
        while (text.length < len) {
            if (text.isNotEmpty()) text.append(' ')
            text.append(WORDS[rng.below(WORDS.size)])
        }
        text.setLength(len)
        val mood = rng.below(11).let { if (it == 0) null else it }
        val tags = List(rng.below(4)) { TAGS[rng.below(TAGS.size)] }
        Draft(text.toString(), mood, tags)
    }
}

private fun median(xs: List<Double>): Double {
    val s = xs.sorted()
    return if (s.size % 2 == 1) s[s.size / 2] else (s[s.size / 2 - 1] + s[s.size / 2]) / 2
}

private fun timeMs(warmup: Int, reps: Int, block: () -> Unit): List<Double> {
    repeat(warmup) { block() }
    return List(reps) {
        val t = System.nanoTime()
        block()
        (System.nanoTime() - t) / 1e6
    }
}

/** Pulls `"key":number` out of the baseline's one-line JSON (no JSON library here). */
private fun jsonNumber(json: String, key: String): Double =
    Regex("\"$key\":([0-9.eE+-]+)").find(json)?.groupValues?.get(1)?.toDouble()
        ?: error("baseline output has no $key: $json")

fun main(args: Array<String>) {
    val opts = args.toList().chunked(2).associate { it[0] to it.getOrElse(1) { "" } }
    val entries = opts["--entries"]?.toInt() ?: 10_000
    val adds = opts["--adds"]?.toInt() ?: 1_000
    val reps = opts["--reps"]?.toInt() ?: 7
    val warmup = opts["--warmup"]?.toInt() ?: 2
    val baseline = opts["--baseline"] ?: error("--baseline PATH_TO_ffi-baseline is required")
    require(reps >= 5) { "at least 5 repetitions" }

    val dir = Files.createTempDirectory("haven-bench")
    try {
        // The Rust baseline first, alone, so the two never share the CPU.
        val proc = ProcessBuilder(
            baseline, "--entries", "$entries", "--adds", "$adds", "--reps", "$reps",
            "--warmup", "$warmup", "--dir", dir.toString(),
        ).redirectError(ProcessBuilder.Redirect.INHERIT).start()
        val rustJson = proc.inputStream.bufferedReader().readText().trim()
        check(proc.waitFor(30, TimeUnit.MINUTES) && proc.exitValue() == 0) { "ffi-baseline failed" }

        val kotlin = runKotlin(dir, entries, adds, reps, warmup)

        val rustBytes = jsonNumber(rustJson, "text_bytes").toLong()
        check(rustBytes == kotlin.textBytes) { "data differs: Rust ${rustBytes} bytes, Kotlin ${kotlin.textBytes}" }

        println()
        println("Haven bindings benchmark: $entries entries (${"%.1f".format(rustBytes / 1048576.0)} MiB of text), " +
            "median of $reps runs after $warmup warm-up, release build")
        println("%-34s %12s %12s %12s".format("workload", "Kotlin ms", "Rust ms", "Kotlin/Rust"))
        val rows = listOf(
            Triple("list all (allEntries)", kotlin.listAll, jsonNumber(rustJson, "list_all_ms")),
            Triple("page all (listEntries $PAGE)", kotlin.pageAll, jsonNumber(rustJson, "page_all_ms")),
            Triple("add ${"%,d".format(adds)} entries", kotlin.add, jsonNumber(rustJson, "add_ms")),
        )
        for ((name, k, r) in rows) {
            println("%-34s %12.1f %12.1f %12.2f".format(name, k, r, k / r))
        }
        println()
        println("Kotlin samples (ms): list ${kotlin.listAllSamples.fmt()}; page ${kotlin.pageAllSamples.fmt()}; add ${kotlin.addSamples.fmt()}")
        println("Rust baseline JSON: $rustJson")
    } finally {
        dir.toFile().deleteRecursively()
    }
}

private fun List<Double>.fmt() = joinToString(", ", "[", "]") { "%.1f".format(it) }

private class KotlinResult(
    val textBytes: Long,
    val listAllSamples: List<Double>,
    val pageAllSamples: List<Double>,
    val addSamples: List<Double>,
) {
    val listAll = median(listAllSamples)
    val pageAll = median(pageAllSamples)
    val add = median(addSamples)
}

private fun runKotlin(dir: Path, entries: Int, adds: Int, reps: Int, warmup: Int): KotlinResult {
    val fill = drafts(FILL_SEED, entries)
    val textBytes = fill.sumOf { it.text.length.toLong() } // ASCII: chars == bytes
    return createVault(dir.resolve("kotlin.haven").toString(), "benchmark passphrase", KdfParams(memoryKib = 19u * 1024u, iterations = 2u, parallelism = 1u)).vault.use { vault ->
        fill.forEach { vault.addEntry(it) }

        val listAll = timeMs(warmup, reps) {
            check(vault.allEntries().size == entries)
        }
        val pageAll = timeMs(warmup, reps) {
            check(vault.entryPages(PAGE).sumOf { it.entries.size } == entries)
        }
        val addBatch = drafts(ADD_SEED, adds)
        val addSamples = mutableListOf<Double>()
        repeat(warmup + reps) { rep ->
            val t = System.nanoTime()
            val ids = addBatch.map { vault.addEntry(it).id }
            val ms = (System.nanoTime() - t) / 1e6
            if (rep >= warmup) addSamples += ms
            ids.forEach { vault.deleteEntry(it) } // untimed: every run starts from the same vault
        }
        KotlinResult(textBytes, listAll, pageAll, addSamples)
    }
}
