// Hand-written, and kept small on purpose: a few Kotlin idioms over the
// generated bindings. It lives outside src/main/kotlin because
// bindings/generate.sh replaces that folder wholesale (and --check diffs it).
package app.haven

import app.haven.core.Draft
import app.haven.core.Entry
import app.haven.core.Page

/**
 * Unlocks with [passphrase], runs [block], and locks again even if [block]
 * throws, so the vault key is held no longer than the work needs it.
 * Throws the unlock's own `HavenException` (e.g. `WrongPassphrase`).
 */
inline fun <T> HavenVault.withUnlocked(
    passphrase: String,
    listener: ProgressListener? = null,
    token: CancelToken? = null,
    block: (HavenVault) -> T,
): T {
    unlockWithPassphrase(passphrase, listener, token)
    try {
        return block(this)
    } finally {
        lock()
    }
}

/**
 * The journal, newest first, one [Page] of [pageSize] at a time: each page is
 * fetched only when the sequence reaches it (follows `nextCursor`).
 */
fun HavenVault.entryPages(pageSize: UInt = 50u): Sequence<Page> = sequence {
    var before: String? = null
    do {
        val page = listEntries(pageSize, before)
        yield(page)
        before = page.nextCursor
    } while (before != null)
}

/** Every journal entry, newest first, read lazily page by page. */
fun HavenVault.entriesPaged(pageSize: UInt = 50u): Sequence<Entry> =
    entryPages(pageSize).flatMap { it.entries.asSequence() }

/** A [Draft] with the usual defaults: no mood, no tags. */
fun draft(text: String, mood: Int? = null, tags: List<String> = emptyList()): Draft =
    Draft(text, mood?.toUByte(), tags)
