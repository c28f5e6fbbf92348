package app.haven.tests

import app.haven.SaveOutcome
import app.haven.core.Clinician
import app.haven.core.DocumentContent
import app.haven.core.DocumentKind
import app.haven.core.HavenException
import app.haven.core.Jurisdiction
import app.haven.core.NewConsultationReview
import app.haven.core.NewDeparture
import app.haven.core.SecondOpinion
import app.haven.core.Region
import app.haven.core.ReviewResponse
import app.haven.core.Revocation
import app.haven.core.RevocationMethod
import app.haven.core.Section
import app.haven.core.SectionResponse
import app.haven.core.SignOff
import app.haven.core.TreatmentRefusal
import app.haven.core.VersionStatus
import app.haven.core.WarningSign
import app.haven.core.Witness
import app.haven.draft
import app.haven.medicationRefusalNotice
import app.haven.newAdvanceStatement
import app.haven.newCrisisPlan
import app.haven.validateContent
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Path
import java.time.Instant
import java.time.LocalDate

class DocumentsTest {
    @TempDir
    lateinit var dir: Path

    private val today: LocalDate get() = LocalDate.now(java.time.ZoneOffset.UTC)
    private val clinician = Clinician("Dr A. Okafor", "Consultant psychiatrist", "North Ward")

    private fun signOff(on: LocalDate = today, witness: Witness? = null) =
        SignOff("Robin Example", on, true, "I understand what this statement does.", "", witness)

    @Test
    fun `a crisis plan keeps every version with its parent, and diffs by section`() {
        newVault(dir).vault.use { vault ->
            val plan = newCrisisPlan(Region.UK)
            assertTrue(plan.crisisLines.isNotEmpty(), "UK crisis lines are filled in")
            val v1 = vault.createDocument(
                DocumentContent.CrisisPlan(plan.copy(triggers = listOf("Loud places"), reasonsForLiving = listOf("My cat"))),
            )
            assertEquals(DocumentKind.CRISIS_PLAN, v1.kind)
            assertEquals(1, v1.number)
            assertNull(v1.parentHash)
            assertEquals(VersionStatus.DRAFT, v1.status)

            val v2Plan = (v1.content as DocumentContent.CrisisPlan).plan.copy(
                triggers = listOf("Loud places", "Missing sleep"),
                warningSigns = listOf(WarningSign("", "Not answering the phone")),
            )
            val v2 = (vault.saveVersion(v1.documentId, v1.hash, DocumentContent.CrisisPlan(v2Plan)) as SaveOutcome.Saved).version
            assertEquals(v1.hash, v2.parentHash)
            assertEquals(2, v2.number)
            assertNotEquals(v1.hash, v2.hash)

            val history = vault.documentHistory(v1.documentId)
            assertEquals(listOf(v1.hash, v2.hash), history.map { it.hash })
            assertEquals(listOf(null, v1.hash), history.map { it.parentHash })
            assertEquals(v2.hash, vault.latestVersion(v1.documentId).hash)
            assertEquals(v2Plan.triggers, (vault.getVersion(v1.documentId, v2.hash).content as DocumentContent.CrisisPlan).plan.triggers)

            val diffs = vault.diffVersions(v1.documentId, v1.hash, v2.hash).associateBy { it.section }
            assertEquals(setOf(Section.TRIGGERS, Section.WARNING_SIGNS), diffs.keys)
            assertEquals(listOf("Missing sleep"), diffs.getValue(Section.TRIGGERS).added)
            assertTrue(diffs.getValue(Section.TRIGGERS).removed.isEmpty())
            assertTrue(diffs.getValue(Section.WARNING_SIGNS).added.any { "Not answering the phone" in it })

            // The core gives warning signs stable ids, so journal entries can link to them.
            val sign = (v2.content as DocumentContent.CrisisPlan).plan.warningSigns.single()
            assertTrue(sign.id.isNotEmpty())
            val entry = vault.addEntry(draft("Let three calls ring out today", mood = 3))
            vault.linkEntryToWarningSign(entry.id, sign.id)
            assertEquals(listOf(entry.id), vault.entriesLinkedToWarningSign(sign.id).map { it.id })

            assertEquals(listOf(v1.documentId), vault.documents().map { it.id })
            assertThrows<HavenException.NotFound> { vault.latestVersion("no-such-document") }
        }
    }

    @Test
    fun `a statement is signed only once validation finds no problems`() {
        newVault(dir).vault.use { vault ->
            val refusal = TreatmentRefusal(
                treatment = "Electroconvulsive therapy",
                circumstances = "In any future episode",
                reason = "It took my memories last time",
                lifeSustaining = true,
                lifeAtRiskStatement = "",
            )
            val draftStatement = newAdvanceStatement().let {
                it.copy(treatmentRefusals = listOf(refusal), makerDetails = it.makerDetails.copy(dateOfBirth = LocalDate.of(1990, 5, 17)))
            }
            val v1 = vault.createDocument(DocumentContent.AdvanceStatement(draftStatement))

            val problems = vault.validateVersion(v1.documentId, v1.hash)
            assertTrue(problems.isNotEmpty())
            assertTrue(problems.all { it.section == Section.TREATMENT_REFUSALS && it.item == 1 }, "$problems")
            assertTrue(problems.any { "even if my life is at risk" in it.message })
            // Signing without fixing them is refused, and changes nothing.
            assertThrows<HavenException.InvalidInput> { vault.signVersion(v1.documentId, v1.hash, signOff()) }
            assertEquals(VersionStatus.DRAFT, vault.latestVersion(v1.documentId).status)

            val fixed = draftStatement.copy(
                treatmentRefusals = listOf(refusal.copy(lifeAtRiskStatement = "I refuse ECT even if my life is at risk.")),
            )
            val v2 = (vault.saveVersion(v1.documentId, v1.hash, DocumentContent.AdvanceStatement(fixed)) as SaveOutcome.Saved).version
            val witness = Witness("Jo Witness", "Advocate", today, true, true, "Robin understood and was not pressured.", false)
            assertTrue(validateContent(v2.content, signOff(witness = witness)).isEmpty())
            assertTrue(validateContent(v2.content, signOff()).isNotEmpty(), "a witness is required")

            // The maker cannot attest for the witness: the device is handed
            // over and the witness records their own attestation.
            val e = assertThrows<HavenException.InvalidInput> { vault.signVersion(v1.documentId, v2.hash, signOff(witness = witness)) }
            assertTrue("attests for themselves" in e.message!!, e.message)
            vault.witnessVersion(v1.documentId, v2.hash, witness)
            assertEquals(true, vault.witnessAttestation(v1.documentId, v2.hash)?.attestedByWitness)
            val signed = vault.signVersion(v1.documentId, v2.hash, signOff())
            assertEquals(VersionStatus.ACTIVE, signed.status)
            assertEquals("Jo Witness", signed.signOff?.witness?.name)
            assertEquals(v2.hash, vault.activeVersion(v1.documentId)?.hash)
            assertEquals(listOf(VersionStatus.DRAFT, VersionStatus.ACTIVE), vault.documentHistory(v1.documentId).map { it.status })
            assertTrue(vault.statusLog(v1.documentId).any { it.versionHash == v2.hash && it.to == VersionStatus.ACTIVE })
        }
    }

    @Test
    fun `a clinician who cannot follow a wish must say why`() {
        newVault(dir).vault.use { vault ->
            val statement = newAdvanceStatement()
            val v1 = vault.createDocument(DocumentContent.AdvanceStatement(statement))

            val noReason = NewConsultationReview(
                clinician = clinician,
                reviewedOn = today,
                responses = listOf(
                    SectionResponse(Section.HOSPITAL_PREFERENCES, ReviewResponse.AGREED, "", false),
                    SectionResponse(Section.RESTRICTIVE_INTERVENTIONS, ReviewResponse.CANNOT_FOLLOW, "  ", false),
                ),
                notes = "",
            )
            val e = assertThrows<HavenException.InvalidInput> { vault.addConsultationReview(v1.documentId, v1.hash, noReason) }
            assertTrue("reason" in e.message!!)
            assertTrue(vault.consultationReviews(v1.documentId, v1.hash).isEmpty(), "nothing was stored")

            val withReason = noReason.copy(
                responses = listOf(
                    noReason.responses[0],
                    SectionResponse(
                        Section.RESTRICTIVE_INTERVENTIONS,
                        ReviewResponse.CANNOT_FOLLOW,
                        "Seclusion may be needed on this ward",
                        true,
                    ),
                ),
            )
            val review = vault.addConsultationReview(v1.documentId, v1.hash, withReason)
            assertEquals(v1.hash, review.versionHash)
            val stored = vault.consultationReviews(v1.documentId, v1.hash).single()
            assertEquals(review.id, stored.id)
            assertEquals(clinician, stored.clinician)
            assertEquals(ReviewResponse.CANNOT_FOLLOW, stored.responses[1].response)
            assertEquals("Seclusion may be needed on this ward", stored.responses[1].reason)

            // Reviews are for advance statements only.
            val plan = vault.createDocument(DocumentContent.CrisisPlan(newCrisisPlan(Region.UK)))
            assertThrows<HavenException.InvalidInput> { vault.addConsultationReview(plan.documentId, plan.hash, withReason) }
        }
    }

    @Test
    fun `departures are logged against the version and reviews fall due six months after signing`() {
        newVault(dir).vault.use { vault ->
            val v1 = vault.createDocument(DocumentContent.AdvanceStatement(newAdvanceStatement()))
            // Signed today (a sign-off cannot predate its version, issue 11),
            // its review set a month back: overdue.
            val signedOn = today
            vault.signVersion(v1.documentId, v1.hash, signOff(on = signedOn))
            assertEquals(signedOn.plusMonths(6), vault.documents().single().nextReview)
            val reviewOn = today.minusMonths(1)
            vault.setNextReview(v1.documentId, reviewOn)

            val departure = NewDeparture(
                section = Section.HOSPITAL_PREFERENCES,
                wish = "A single room",
                clinician = clinician,
                occurredAt = Instant.now().minusSeconds(3600),
                timeKnown = true,
                reason = "No single rooms were free",
                personTold = true,
                legalAuthority = "Mental Health Act 1983 s.2",
                secondOpinion = SecondOpinion.NotRecorded,
                othersTold = listOf("nominated person"),
            )
            assertThrows<HavenException.InvalidInput> { vault.recordDeparture(v1.documentId, v1.hash, departure.copy(reason = "")) }
            assertThrows<HavenException.InvalidInput> { vault.recordDeparture(v1.documentId, v1.hash, departure.copy(legalAuthority = "")) }
            // Overriding a treatment refusal must say whether a second opinion was obtained.
            assertThrows<HavenException.InvalidInput> {
                vault.recordDeparture(v1.documentId, v1.hash, departure.copy(section = Section.TREATMENT_REFUSALS))
            }
            assertThrows<HavenException.InvalidInput> {
                vault.recordDeparture(v1.documentId, v1.hash, departure.copy(section = Section.TRIGGERS))
            }
            val logged = vault.recordDeparture(v1.documentId, v1.hash, departure)
            val all = vault.allDepartures(v1.documentId)
            assertEquals(listOf(logged.id), all.map { it.id })
            assertEquals("No single rooms were free", all.single().reason)
            assertEquals("Mental Health Act 1983 s.2", all.single().legalAuthority)
            // What the person is told when writing medication refusals, by law.
            assertTrue(medicationRefusalNotice(Jurisdiction.SCOTLAND).contains("(s.276)"))
            assertTrue(medicationRefusalNotice(Jurisdiction.ENGLAND_AND_WALES).contains("s.28"))
            assertEquals(listOf("nominated person"), all.single().othersTold)
            assertEquals(v1.hash, all.single().versionHash)

            val due = vault.reviewsDue(30).single()
            assertEquals(v1.documentId, due.documentId)
            assertEquals(v1.hash, due.activeHash)
            assertTrue(due.overdue)
            assertTrue(due.daysUntil < 0)
            assertEquals(reviewOn, due.nextReview)

            // A fresh signature moves the review six months on.
            val v2 = (vault.saveVersion(v1.documentId, v1.hash, DocumentContent.AdvanceStatement(newAdvanceStatement())) as SaveOutcome.Saved).version
            vault.signVersion(v1.documentId, v2.hash, signOff())
            assertTrue(vault.reviewsDue(30).isEmpty())
            assertEquals(1, vault.reviewsDue(200).size)
            assertEquals(VersionStatus.SUPERSEDED, vault.documentHistory(v1.documentId).first().status)
        }
    }

    @Test
    fun `a revocation records when and how, and a Scottish statement needs a witnessed writing`() {
        newVault(dir).vault.use { vault ->
            val scottish = newAdvanceStatement().let { it.copy(makerDetails = it.makerDetails.copy(jurisdiction = Jurisdiction.SCOTLAND)) }
            val v1 = vault.createDocument(DocumentContent.AdvanceStatement(scottish))
            val inApp = Revocation(today, RevocationMethod.IN_APP, "", null)
            val e = assertThrows<HavenException.InvalidInput> { vault.revokeVersion(v1.documentId, v1.hash, inApp) }
            assertTrue("s.275(3)" in e.message!!, e.message)
            assertEquals(VersionStatus.DRAFT, vault.latestVersion(v1.documentId).status)
            assertNull(vault.revocation(v1.documentId, v1.hash))

            val witnessed = Revocation(
                today,
                RevocationMethod.IN_WRITING,
                "Letter given to the ward manager",
                Witness("Dr Grey", "General practitioner", today, false, false, "", false),
            )
            vault.revokeVersion(v1.documentId, v1.hash, witnessed)
            assertEquals(VersionStatus.REVOKED, vault.latestVersion(v1.documentId).status)
            assertEquals(witnessed, vault.revocation(v1.documentId, v1.hash))
            assertThrows<HavenException.InvalidInput> { vault.revokeVersion(v1.documentId, v1.hash, witnessed) }
        }
    }
}
