package app.haven.tests

import app.haven.core.Bucket
import app.haven.core.HavenException
import app.haven.draft
import app.haven.entriesPaged
import app.haven.entryPages
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Path
import java.time.Instant
import java.time.ZoneOffset

class JournalTest {
    @TempDir
    lateinit var dir: Path

    @Test
    fun `entries are added, edited, searched and deleted`() {
        newVault(dir).vault.use { vault ->
            val before = Instant.now().minusSeconds(5)
            val slept = vault.addEntry(draft("Slept better after the walk", mood = 6, tags = listOf("sleep", "walk")))
            val bad = vault.addEntry(draft("Rough day. Voices louder at night.", mood = 2, tags = listOf("night")))
            val moodOnly = vault.addEntry(draft("", mood = 5))
            assertTrue(slept.createdAt.isAfter(before))
            assertEquals(slept.createdAt, slept.updatedAt)
            assertEquals(6, slept.mood)
            assertEquals(listOf("sleep", "walk"), slept.tags)
            assertNull(vault.getEntry(moodOnly.id).tags.firstOrNull())

            val edited = vault.editEntry(bad.id, draft("Rough day, but I called Sam.", mood = 3, tags = listOf("night", "sam")))
            assertEquals(bad.id, edited.id)
            assertEquals(bad.createdAt, edited.createdAt)
            assertTrue(!edited.updatedAt.isBefore(edited.createdAt))
            assertEquals("Rough day, but I called Sam.", vault.getEntry(bad.id).text)

            // Search is case-insensitive over text and tags.
            assertEquals(listOf(slept.id), vault.searchEntries("SLEPT").map { it.id })
            assertEquals(listOf(bad.id), vault.searchEntries("sam").map { it.id })
            assertEquals(listOf(slept.id), vault.searchEntries("walk").map { it.id })
            assertTrue(vault.searchEntries("voices").isEmpty(), "the edit replaced the old words")

            vault.deleteEntry(slept.id)
            val gone = assertThrows<HavenException.NotFound> { vault.getEntry(slept.id) }
            assertTrue(gone.message!!.contains(slept.id), gone.message)
            assertThrows<HavenException.NotFound> { vault.deleteEntry(slept.id) }
            assertEquals(setOf(bad.id, moodOnly.id), vault.allEntries().map { it.id }.toSet())

            assertThrows<HavenException.InvalidInput> { vault.addEntry(draft("mood out of range", mood = 11)) }
            assertThrows<HavenException.InvalidInput> { vault.listEntries(0, null) }
            assertThrows<HavenException.InvalidInput> { vault.listEntries(-1, null) }
            assertThrows<HavenException.InvalidInput> { vault.addEntry(draft("negative mood", mood = -3)) }
        }
    }

    @Test
    fun `paging with nextCursor visits every entry once, newest first`() {
        newVault(dir).vault.use { vault ->
            val ids = (1..57).map { vault.addEntry(draft("entry $it")).id }

            // By hand, as an app's list adapter would.
            val seen = mutableListOf<String>()
            var cursor: String? = null
            var pages = 0
            do {
                val page = vault.listEntries(10, cursor)
                assertTrue(page.entries.size <= 10)
                seen += page.entries.map { it.id }
                cursor = page.nextCursor
                pages++
            } while (cursor != null)
            assertEquals(6, pages)
            assertEquals(ids.reversed(), seen, "newest first, no gaps, no repeats")

            // The same through the helpers' lazy sequence.
            assertEquals(6, vault.entryPages(10).count())
            assertEquals(seen, vault.entriesPaged(10).map { it.id }.toList())
            assertEquals(seen.take(3), vault.entriesPaged(2).take(3).map { it.id }.toList())
            assertEquals(vault.allEntries().map { it.id }, seen)
        }
    }

    @Test
    fun `mood series averages the day's moods`() {
        newVault(dir).vault.use { vault ->
            // The day is read before and after writing, so a run across
            // midnight UTC accepts either day rather than failing.
            val dayBefore = Instant.now().atOffset(ZoneOffset.UTC).toLocalDate()
            listOf(2, 4, 9).forEach { vault.addEntry(draft("mood $it", mood = it)) }
            vault.addEntry(draft("no mood here"))
            val days = vault.moodSeries(Bucket.DAY, 0)
            assertEquals(1, days.size)
            val today = days.single()
            val dayAfter = Instant.now().atOffset(ZoneOffset.UTC).toLocalDate()
            assertTrue(today.periodStart == dayBefore || today.periodStart == dayAfter, "${today.periodStart}")
            assertEquals(3, today.count)
            assertEquals(5.0, today.mean, 1e-9)
            assertEquals(2, today.min)
            assertEquals(9, today.max)
            assertEquals(1, vault.moodSeries(Bucket.WEEK, 60).size)
        }
    }
}
