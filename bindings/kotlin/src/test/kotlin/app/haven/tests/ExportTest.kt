package app.haven.tests

import app.haven.CancelToken
import app.haven.core.ExportKind
import app.haven.core.VersionRef
import app.haven.core.Contact
import app.haven.core.DocumentContent
import app.haven.core.HavenException
import app.haven.core.PhoneNumber
import app.haven.core.Region
import app.haven.newAdvanceStatement
import app.haven.newCrisisPlan
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Files
import java.nio.file.Path

/** Exports through the bindings: real PDFs (read back with pdftotext) and a FHIR Bundle. */
class ExportTest {
    @TempDir
    lateinit var dir: Path

    /** The text of a PDF, as `pdftotext` (poppler-utils, installed by tests/run.sh) extracts it. */
    private fun pdfText(bytes: ByteArray): String {
        val pdf = dir.resolve("out-${System.nanoTime()}.pdf")
        Files.write(pdf, bytes)
        val p = ProcessBuilder("pdftotext", "-enc", "UTF-8", pdf.toString(), "-").redirectErrorStream(true).start()
        val text = p.inputStream.readBytes().toString(Charsets.UTF_8)
        assertEquals(0, p.waitFor(), "pdftotext failed: $text")
        return text
    }

    @Test
    fun `a crisis plan exports as a PDF, a one-page card and FHIR, with progress and cancel`() {
        newVault(dir).vault.use { vault ->
            val base = newCrisisPlan(Region.UK)
            val plan = base.copy(
                helpContacts = listOf(Contact("Zoë Ångström", "sister", listOf(PhoneNumber("mobile", "07700 900123")), "", true)),
                distressSupport = base.distressSupport.copy(helps = listOf("Quiet room and a blanket")),
            )
            val v = vault.createDocument(DocumentContent.CrisisPlan(plan))

            val listener = RecordingListener()
            val pdf = vault.exportPdf(ExportKind.CRISIS_PLAN_PDF, VersionRef(v.documentId, v.hash), listener = listener).bytes
            assertEquals("%PDF-", String(pdf.copyOfRange(0, 5), Charsets.US_ASCII))
            val text = pdfText(pdf)
            assertTrue("Zoë Ångström" in text, "Unicode contact name is real text")
            assertTrue("Quiet room and a blanket" in text)
            val fractions = listener.reports.map { it.second }
            assertTrue(fractions.isNotEmpty() && fractions.zipWithNext().all { (a, b) -> a <= b })

            val card = pdfText(vault.exportPdf(ExportKind.CRISIS_CARD_PDF, VersionRef(v.documentId, v.hash)).bytes)
            assertTrue("07700 900123" in card, "the card carries the contact's phone")
            assertEquals(1, card.count { it == '\u000c' }, "the card is one page")

            val bundle = vault.fhirBundle(listOf(VersionRef(v.documentId, v.hash)))
            assertTrue("\"resourceType\": \"Bundle\"" in bundle)
            assertTrue("736253002" in bundle, "SNOMED CT mental health crisis plan")

            val cancelled = CancelToken().apply { cancel() }
            assertThrows<HavenException.Cancelled> { vault.exportPdf(ExportKind.CRISIS_PLAN_PDF, VersionRef(v.documentId, v.hash), token = cancelled) }
            // A crisis plan is not an advance statement.
            assertThrows<HavenException.InvalidInput> { vault.exportPdf(ExportKind.ADVANCE_STATEMENT_PDF, VersionRef(v.documentId, v.hash)) }
        }
    }

    @Test
    fun `an advance statement exports as a PDF and as a FHIR Consent`() {
        newVault(dir).vault.use { vault ->
            val statement = newAdvanceStatement()
            val v = vault.createDocument(DocumentContent.AdvanceStatement(statement))
            val text = pdfText(vault.exportPdf(ExportKind.ADVANCE_STATEMENT_PDF, VersionRef(v.documentId, v.hash)).bytes)
            assertTrue(text.isNotBlank())
            val bundle = vault.fhirBundle(listOf(VersionRef(v.documentId, v.hash)))
            assertTrue("\"Consent\"" in bundle && "42348-3" in bundle, "Consent and LOINC advance directives")
        }
    }
}
