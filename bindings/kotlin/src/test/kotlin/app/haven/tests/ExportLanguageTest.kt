package app.haven.tests

import app.haven.ExportFonts
import app.haven.core.DocumentContent
import app.haven.core.ExportKind
import app.haven.core.ExportWarning
import app.haven.core.HavenException
import app.haven.core.Region
import app.haven.core.VersionRef
import app.haven.exportLanguages
import app.haven.newCrisisPlan
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths

/**
 * Exports in a chosen language with fonts the app passes in: a plan written
 * in Chinese, labelled in Welsh, draws its Chinese with a CJK font file the
 * app adds (Debian's fonts-wqy-microhei here, installed by tests/run.sh; a
 * phone's Noto on Android); without that font the export still completes
 * and the warning names the section (in Welsh) and the script.
 */
class ExportLanguageTest {
    @TempDir
    lateinit var dir: Path

    private val cjkFont = Paths.get("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")

    /** The text of a PDF, as `pdftotext` extracts it. */
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
            val blank = newCrisisPlan(Region.UK)
            val plan = blank.copy(
                whenWell = "我身体好的时候每天早上去公园散步",
                distressSupport = blank.distressSupport.copy(helps = listOf("听音乐，慢慢地深呼吸")),
            )
            val v = vault.createDocument(DocumentContent.CrisisPlan(plan))
            val ref = VersionRef(v.documentId, v.hash)

            // Bundled fonts only: the PDF is still made, and says what it could not draw.
            val bare = vault.exportPdf(ExportKind.CRISIS_PLAN_PDF, ref, "cy")
            assertEquals("%PDF-", String(bare.bytes.copyOfRange(0, 5), Charsets.US_ASCII))
            assertEquals(
                setOf<ExportWarning>(
                    ExportWarning.MissingGlyphs("Sut ydw i pan fydda i'n iach", "Han"),
                    ExportWarning.MissingGlyphs("Beth sy'n helpu a beth sydd ddim pan fydda i mewn trallod", "Han"),
                ),
                bare.warnings.toSet(),
            )
            val bareCard = vault.exportPdf(ExportKind.CRISIS_CARD_PDF, ref, "cy")
            assertEquals(listOf(ExportWarning.MissingGlyphs("Beth sy'n fy helpu", "Han")), bareCard.warnings)

            ExportFonts().use { fonts ->
                val before = fonts.faceCount()
                assertTrue(fonts.addFont(Files.readAllBytes(cjkFont)) >= 1u)
                assertTrue(fonts.faceCount() > before)
                val out = vault.exportPdf(ExportKind.CRISIS_PLAN_PDF, ref, "cy", fonts)
                assertEquals(emptyList<ExportWarning>(), out.warnings)
                val text = pdfText(out.bytes)
                assertTrue("Cynllun argyfwng" in text, "Welsh title: $text")
                assertFalse("Crisis plan" in text, "no English title: $text")
                assertTrue("我身体好的时候每天早上去公园散步" in text, "the person's words: $text")

                // The async form takes the same language and fonts.
                val card = runBlocking { vault.exportPdfAsync(ExportKind.CRISIS_CARD_PDF, ref, "cy", fonts) }
                assertEquals(emptyList<ExportWarning>(), card.warnings)
                val cardText = pdfText(card.bytes)
                assertTrue("Fy ngherdyn argyfwng" in cardText && "Beth sy'n fy helpu" in cardText, cardText)
                assertTrue("听音乐，慢慢地深呼吸" in cardText, cardText)

                assertThrows<HavenException.InvalidInput> { fonts.addFont("not a font".toByteArray()) }
            }
            // FHIR narratives in Welsh.
            val bundle = vault.fhirBundle(listOf(ref), "cy")
            assertTrue("Cynllun argyfwng" in bundle, "Welsh narrative")
            assertThrows<HavenException.InvalidInput> { vault.exportPdf(ExportKind.CRISIS_CARD_PDF, ref, "xx") }
        }
    }
}
