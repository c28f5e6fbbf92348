package app.haven.tests

import app.haven.HavenVault
import app.haven.core.DocumentContent
import app.haven.core.HavenException
import app.haven.core.Region
import app.haven.draft
import app.haven.newCrisisPlan
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.io.RandomAccessFile
import java.nio.file.Files
import java.nio.file.Path
import java.sql.DriverManager

class BackupAndIntegrityTest {
    @TempDir
    lateinit var dir: Path

    private fun path(name: String) = dir.resolve(name).toString()

    @Test
    fun `a backup restores into a new path with the passphrase or the recovery key`() {
        val created = newVault(dir)
        val texts = (1..12).map { "backed up entry $it" }
        val summary = created.vault.use { vault ->
            texts.forEach { vault.addEntry(draft(it, mood = 5)) }
            vault.createDocument(DocumentContent.CrisisPlan(newCrisisPlan(Region.UK)))
            vault.enableDeviceUnlock(InMemoryKeyStore())
            vault.createBackup(path("vault.backup"))
        }
        assertEquals(12uL, summary.recordsByKind.single { it.kind == "journal" }.count)
        assertEquals(2uL, summary.keySlots, "passphrase and recovery slots travel; the device slot stays")
        assertEquals(Files.size(dir.resolve("vault.backup")).toULong(), summary.bytes)
        assertThrows<HavenException.AlreadyExists> {
            HavenVault.open(path("vault.haven")).use { it.createBackup(path("vault.backup")) }
        }

        HavenVault.restoreWithPassphrase(path("vault.backup"), path("restored-1.haven"), PASSPHRASE).use { restored ->
            assertTrue(restored.isUnlocked())
            assertEquals(texts.reversed(), restored.allEntries().map { it.text })
            assertEquals(1, restored.documents().size)
            assertTrue(restored.verify().damaged.isEmpty())
        }
        HavenVault.restoreWithRecoveryKey(path("vault.backup"), path("restored-2.haven"), created.recoveryKey).use { restored ->
            assertEquals(texts.toSet(), restored.allEntries().map { it.text }.toSet())
        }
        // The restored vault opens later with the same passphrase.
        HavenVault.open(path("restored-2.haven")).use { vault ->
            vault.unlockWithPassphrase(PASSPHRASE, null, null)
            assertEquals(12, vault.allEntries().size)
        }

        assertThrows<HavenException.WrongPassphrase> {
            HavenVault.restoreWithPassphrase(path("vault.backup"), path("restored-3.haven"), "not the passphrase")
        }
        assertThrows<HavenException.AlreadyExists> {
            HavenVault.restoreWithPassphrase(path("vault.backup"), path("restored-1.haven"), PASSPHRASE)
        }
        assertFalse(Files.exists(dir.resolve("restored-3.haven")), "nothing written on a wrong passphrase")
    }

    @Test
    fun `a backup with one flipped byte is BadBackup and restores nothing`() {
        newVault(dir).vault.use { vault ->
            repeat(20) { vault.addEntry(draft("entry $it")) }
            vault.createBackup(path("vault.backup"))
        }
        RandomAccessFile(dir.resolve("vault.backup").toFile(), "rw").use { f ->
            val middle = f.length() / 2
            f.seek(middle)
            val b = f.read()
            f.seek(middle)
            f.write(b xor 0x01)
        }
        assertThrows<HavenException.BadBackup> {
            HavenVault.restoreWithPassphrase(path("vault.backup"), path("restored.haven"), PASSPHRASE)
        }
        assertFalse(Files.exists(dir.resolve("restored.haven")))
        assertTrue(Files.list(dir).use { s -> s.noneMatch { it.fileName.toString().startsWith("restored") } }, "no temp file left")
    }

    /**
     * Rewrites records' sealed bodies in the SQLite file, as an attacker with the file could.
     * Kinds are keyed tags in the file (issue 9), so the rows are found by id: the entries' ids.
     */
    private fun rewriteBodies(vaultPath: String, change: (Map<String, ByteArray>) -> Map<String, ByteArray>) {
        DriverManager.getConnection("jdbc:sqlite:$vaultPath").use { conn ->
            val bodies = conn.prepareStatement("SELECT id, body FROM records").use { st ->
                st.executeQuery().use { rs ->
                    buildMap { while (rs.next()) put(rs.getString(1), rs.getBytes(2)) }
                }
            }
            conn.prepareStatement("UPDATE records SET body = ? WHERE id = ?").use { st ->
                for ((id, body) in change(bodies)) {
                    st.setBytes(1, body)
                    st.setString(2, id)
                    assertEquals(1, st.executeUpdate())
                }
            }
        }
    }

    @Test
    fun `a flipped byte in a stored record is Corrupt naming that record, and verify lists it`() {
        val vaultPath = path("vault.haven")
        val ids = newVault(dir).vault.use { vault -> (1..5).map { vault.addEntry(draft("private words $it")).id } }
        val victim = ids[2]
        rewriteBodies(vaultPath) { bodies ->
            val body = bodies.getValue(victim).copyOf()
            body[body.size / 2] = (body[body.size / 2].toInt() xor 0x40).toByte()
            mapOf(victim to body)
        }

        HavenVault.open(vaultPath).use { vault ->
            vault.unlockWithPassphrase(PASSPHRASE, null, null)
            val e = assertThrows<HavenException.Corrupt> { vault.getEntry(victim) }
            assertTrue(e.message!!.contains(victim), e.message)
            assertThrows<HavenException.Corrupt> { vault.allEntries() }
            // Its neighbours are untouched and still readable.
            ids.filter { it != victim }.forEach { assertTrue(vault.getEntry(it).text.startsWith("private words")) }
            val report = vault.verify()
            assertEquals(listOf(victim), report.damaged)
            assertTrue(report.databaseOk)
            assertEquals(4uL, report.intactByKind.single { it.kind == "journal" }.count)
        }
    }

    @Test
    fun `two records with their sealed bodies swapped both fail to authenticate`() {
        val vaultPath = path("vault.haven")
        val ids = newVault(dir).vault.use { vault -> (1..3).map { vault.addEntry(draft("entry $it")).id } }
        rewriteBodies(vaultPath) { bodies ->
            mapOf(ids[0] to bodies.getValue(ids[1]), ids[1] to bodies.getValue(ids[0]))
        }
        HavenVault.open(vaultPath).use { vault ->
            vault.unlockWithPassphrase(PASSPHRASE, null, null)
            assertTrue(assertThrows<HavenException.Corrupt> { vault.getEntry(ids[0]) }.message!!.contains(ids[0]))
            assertTrue(assertThrows<HavenException.Corrupt> { vault.getEntry(ids[1]) }.message!!.contains(ids[1]))
            assertEquals(ids.take(2).toSet(), vault.verify().damaged.toSet())
            assertEquals("entry 3", vault.getEntry(ids[2]).text)
        }
    }

    @Test
    fun `nothing the person wrote is in the clear in the vault file`() {
        val marker = "MARKER-e1a7c0de-plaintext"
        newVault(dir).vault.use { vault ->
            vault.addEntry(draft("$marker in the text", tags = listOf("$marker-tag")))
        }
        val needle = marker.toByteArray()
        // The vault file and anything SQLite keeps beside it (-wal, -shm).
        val files = Files.list(dir).use { s -> s.filter { it.fileName.toString().startsWith("vault.haven") }.toList() }
        assertTrue(files.isNotEmpty())
        for (file in files) {
            val bytes = Files.readAllBytes(file)
            val found = (0..bytes.size - needle.size).any { i ->
                (needle.indices).all { j -> bytes[i + j] == needle[j] }
            }
            assertFalse(found, "plaintext marker found in ${file.fileName}")
        }
    }
}
