package app.haven.tests

import app.haven.ExportFonts
import app.haven.PdfKind
import app.haven.VersionRef
import app.haven.core.DocumentContent
import app.haven.core.ExportWarning
import app.haven.core.HavenException
import app.haven.core.Region
import app.haven.exportLanguages
import app.haven.newCrisisPlan
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths

/**
 * Exports in a chosen language with fonts the app passes in: a Chinese plan
 * labelled in Welsh draws with a CJK font file (Debian's fonts-wqy-microhei,
 * installed by tests/run.sh), and without it the export still completes
 * with a warning naming the section and script.
 */
class ExportLanguageTest {
    @TempDir
    lateinit var dir: Path

    private fun pdfText(bytes: ByteArray): String {
        val pdf = dir.resolve("out-${System.nanoTime()}.pdf")
        Files.write(pdf, bytes)
        val p = ProcessBuilder("pdftotext", "-enc", "UTF-8", pdf.toString(), "-").redirectErrorStream(true).start()
        val text = p.inputStream.readBytes().toString(Charsets.UTF_8)
        assertEquals(0, p.waitFor(), "pdftotext failed: $text")
        return text
    }

    @Test
    fun `a Chinese plan exports labelled in Welsh with the app's fonts, or warns without them`() {
        assertEquals(listOf("en", "cy"), exportLanguages())
        newVault(dir).vault.use { vault ->
            val plan = newCrisisPlan(Region.UK).copy(whenWell = "我身体好的时候每天早上去公园散步")
            val v = vault.createDocument(DocumentContent.CrisisPlan(plan))
            val ref = VersionRef(v.documentId, v.hash)

            val bare = vault.exportPdf(PdfKind.CRISIS_PLAN, ref, "cy")
            assertEquals("%PDF-", String(bare.bytes.copyOfRange(0, 5), Charsets.US_ASCII))
            assertEquals(
                listOf(ExportWarning.MissingGlyphs("Sut ydw i pan fydda i'n iach", "Han")),
                bare.warnings,
            )

            ExportFonts().use { fonts ->
                val cjk = Files.readAllBytes(Paths.get("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"))
                assertTrue(fonts.addFont(cjk) >= 1u)
                val out = vault.exportPdf(PdfKind.CRISIS_PLAN, ref, "cy", fonts)
                assertEquals(emptyList<ExportWarning>(), out.warnings)
                val text = pdfText(out.bytes)
                assertTrue("Cynllun argyfwng" in text, "Welsh title")
                assertTrue("我身体好的时候" in text)
                assertThrows<HavenException.InvalidInput> { fonts.addFont("not a font".toByteArray()) }
            }
            assertThrows<HavenException.InvalidInput> {
                vault.exportPdf(PdfKind.CRISIS_CARD, ref, "xx")
            }
        }
    }
}
