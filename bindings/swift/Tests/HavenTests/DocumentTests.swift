// Crisis plan and advance statement from Swift: versions, history, diffs,
// validation and sign-off, a clinician's consultation review, departures
// and reviews due.
import Foundation
import Haven
import XCTest

final class DocumentTests: HavenTestCase {
    func testCrisisPlanVersionsHistoryDiffAndSignOff() throws {
        let vault = try newVault().vault

        var plan = newCrisisPlan(region: .uk)
        XCTAssertFalse(plan.crisisLines.isEmpty, "UK plans start with the UK crisis lines")
        XCTAssertEqual(plan.crisisLines, defaultCrisisLines(region: .uk))
        plan.planDetails.owner = "Sam"
        plan.triggers = ["noise", "crowds"]
        plan.warningSigns = [WarningSign(id: "", text: "not sleeping"), WarningSign(id: "", text: "   ")]

        let v1 = try vault.createDocument(content: .crisisPlan(plan: plan))
        XCTAssertEqual(v1.kind, .crisisPlan)
        XCTAssertEqual(v1.number, 1)
        XCTAssertNil(v1.parentHash)
        XCTAssertEqual(v1.status, .draft)
        guard case .crisisPlan(let saved) = v1.content else { return XCTFail("not a plan: \(v1.content)") }
        XCTAssertTrue(saved.warningSigns.allSatisfy { !$0.id.isEmpty }, "warning signs get stable ids")

        // A blank warning sign blocks signing, named by section and item.
        let problems = try vault.validateVersion(documentId: v1.documentId, versionHash: v1.hash)
        XCTAssertTrue(
            problems.contains { $0.section == .warningSigns && $0.item == 2 }, "\(problems.map(\.message))")
        assertThrowsCase("InvalidInput (unsigned problems)",
                         try vault.signVersion(documentId: v1.documentId, versionHash: v1.hash,
                                               signOff: signOff("Sam", on: day(Date())))) {
            if case .InvalidInput = $0 { return true } else { return false }
        }

        // Fix it in a second version.
        var fixed = saved
        fixed.warningSigns.removeLast()
        fixed.triggers = ["noise", "anniversaries"]
        let v2 = try savedVersion(vault.saveVersion(documentId: v1.documentId, parentHash: v1.hash, content: .crisisPlan(plan: fixed)))
        XCTAssertEqual(v2.number, 2)
        XCTAssertEqual(v2.parentHash, v1.hash)

        let history = try vault.documentHistory(documentId: v1.documentId)
        XCTAssertEqual(history.map(\.hash), [v1.hash, v2.hash])
        XCTAssertEqual(history.map(\.number), [1, 2])

        let diff = try vault.diffVersions(documentId: v1.documentId, fromHash: v1.hash, toHash: v2.hash)
        let triggers = try XCTUnwrap(diff.first { $0.section == .triggers }, "\(diff.map(\.section))")
        XCTAssertTrue(triggers.added.contains { $0.contains("anniversaries") }, "\(triggers.added)")
        XCTAssertTrue(triggers.removed.contains { $0.contains("crowds") }, "\(triggers.removed)")
        XCTAssertTrue(diff.contains { $0.section == .warningSigns })
        XCTAssertFalse(diff.contains { $0.section == .crisisLines })

        XCTAssertEqual(try vault.validateVersion(documentId: v1.documentId, versionHash: v2.hash), [])
        let signed = try vault.signVersion(documentId: v1.documentId, versionHash: v2.hash,
                                           signOff: signOff("Sam", on: day(Date())))
        XCTAssertEqual(signed.status, .active)
        XCTAssertEqual(try vault.activeVersion(documentId: v1.documentId)?.hash, v2.hash)
        XCTAssertEqual(try vault.latestVersion(documentId: v1.documentId).hash, v2.hash)

        // Signed today: the review is six months away.
        XCTAssertFalse(try vault.reviewsDue(withinDays: 30).contains { $0.documentId == v1.documentId })
        let due = try XCTUnwrap(try vault.reviewsDue(withinDays: 200).first { $0.documentId == v1.documentId })
        XCTAssertFalse(due.overdue)
        XCTAssertEqual(due.activeHash, v2.hash)
        XCTAssertGreaterThan(due.daysUntil, 150)
    }

    func testAdvanceStatementSignOffReviewDeparturesAndOverdueReview() throws {
        let vault = try newVault().vault

        var statement = emptyStatement()
        statement.makerDetails.fullName = "Robin Hale"
        statement.makerDetails.dateOfBirth = daysAgo(365 * 30)
        statement.hospitalPreferences.preferred = ["Ward 3"]
        statement.treatmentRefusals = [
            TreatmentRefusal(treatment: "Depot antipsychotic", circumstances: "When I am admitted", reason: "Side effects",
                             lifeSustaining: true, lifeAtRiskStatement: "")
        ]
        let v1 = try vault.createDocument(content: .advanceStatement(statement: statement))
        XCTAssertEqual(v1.kind, .advanceStatement)

        // A life-sustaining refusal needs the "even if my life is at risk" words, a signature and a witness.
        let problems = try vault.validateVersion(documentId: v1.documentId, versionHash: v1.hash)
        XCTAssertFalse(problems.isEmpty)
        XCTAssertTrue(problems.allSatisfy { $0.section == .treatmentRefusals && $0.item == 1 }, "\(problems)")

        statement.treatmentRefusals[0].lifeAtRiskStatement = "I refuse this even if my life is at risk."
        let v2 = try savedVersion(vault.saveVersion(documentId: v1.documentId, parentHash: v1.hash,
                                             content: .advanceStatement(statement: statement)))
        let unwitnessed = validateContent(content: v2.content, signOff: signOff("Robin Hale", on: day(Date())))
        XCTAssertTrue(unwitnessed.contains { $0.section == .treatmentRefusals }, "\(unwitnessed)")
        assertThrowsCase("InvalidInput (no witness)",
                         try vault.signVersion(documentId: v1.documentId, versionHash: v2.hash,
                                               signOff: signOff("Robin Hale", on: day(Date())))) {
            if case .InvalidInput = $0 { return true } else { return false }
        }

        // Signed today (a sign-off cannot predate its version, issue 11),
        // witnessed: active; its review set eight months back is overdue.
        let witnessed = signOff("Robin Hale", on: day(Date()), witness: witness("Jo Bell"))
        XCTAssertEqual(validateContent(content: v2.content, signOff: witnessed), [])
        // The maker cannot attest for the witness: the device is handed over
        // and the witness records their own attestation.
        assertThrowsCase("InvalidInput (the maker attesting)",
                         try vault.signVersion(documentId: v1.documentId, versionHash: v2.hash, signOff: witnessed)) {
            if case .InvalidInput = $0 { return true } else { return false }
        }
        try vault.witnessVersion(documentId: v1.documentId, hash: v2.hash, witness: witness("Jo Bell"))
        XCTAssertEqual(try vault.witnessAttestation(documentId: v1.documentId, hash: v2.hash)?.attestedByWitness, true)
        let signed = try vault.signVersion(documentId: v1.documentId, versionHash: v2.hash,
                                           signOff: signOff("Robin Hale", on: day(Date())))
        XCTAssertEqual(signed.status, .active)
        XCTAssertEqual(signed.signOff?.witness?.name, "Jo Bell")
        try vault.setNextReview(documentId: v1.documentId, date: daysAgo(240))
        let overdue = try XCTUnwrap(try vault.reviewsDue(withinDays: 0).first { $0.documentId == v1.documentId })
        XCTAssertTrue(overdue.overdue)
        XCTAssertLessThan(overdue.daysUntil, 0)
        XCTAssertEqual(overdue.kind, .advanceStatement)

        // A clinician cannot follow a wish: the reason is required.
        let noReason = NewConsultationReview(
            clinician: clinician, reviewedOn: day(Date()),
            responses: [SectionResponse(section: .treatmentRefusals, response: .cannotFollow, reason: "  ", personTold: true)],
            notes: "")
        let refused = assertThrowsCase("InvalidInput (reason missing)",
                                       try vault.addConsultationReview(documentId: v1.documentId, versionHash: v2.hash,
                                                                       review: noReason)) {
            if case .InvalidInput = $0 { return true } else { return false }
        }
        if case .InvalidInput(let reason)? = refused {
            XCTAssertTrue(reason.contains("reason"), reason)
            XCTAssertFalse(reason.contains("Depot"), "error text must not quote the statement")
        }
        XCTAssertEqual(try vault.consultationReviews(documentId: v1.documentId, versionHash: v2.hash), [])

        var review = noReason
        review.responses = [
            SectionResponse(section: .treatmentRefusals, response: .cannotFollow,
                            reason: "Needed under section 3 after assessment", personTold: true),
            SectionResponse(section: .hospitalPreferences, response: .agreed, reason: "", personTold: true),
        ]
        let recorded = try vault.addConsultationReview(documentId: v1.documentId, versionHash: v2.hash, review: review)
        XCTAssertEqual(recorded.clinician, clinician)
        let reviews = try vault.consultationReviews(documentId: v1.documentId, versionHash: v2.hash)
        XCTAssertEqual(reviews.map(\.id), [recorded.id])
        XCTAssertEqual(reviews[0].responses.map(\.response), [.cannotFollow, .agreed])

        // Departures: a wish not followed, with who, when and why.
        var departure = NewDeparture(section: .hospitalPreferences, wish: "Ward 3", clinician: clinician,
                                     occurredAt: Date(), timeKnown: true, reason: "", personTold: true,
                                     legalAuthority: "Mental Health Act 1983 s.2", secondOpinion: .notRecorded,
                                     othersTold: ["nominated person"])
        assertThrowsCase("InvalidInput (departure without reason)",
                         try vault.recordDeparture(documentId: v1.documentId, versionHash: v2.hash, departure: departure)) {
            if case .InvalidInput = $0 { return true } else { return false }
        }
        departure.reason = "Ward 3 was closed for refurbishment"
        let d = try vault.recordDeparture(documentId: v1.documentId, versionHash: v2.hash, departure: departure)
        XCTAssertEqual(d.section, .hospitalPreferences)
        let all = try vault.allDepartures(documentId: v1.documentId)
        XCTAssertEqual(all.map(\.id), [d.id])
        XCTAssertEqual(all[0].reason, "Ward 3 was closed for refurbishment")
        XCTAssertEqual(all[0].legalAuthority, "Mental Health Act 1983 s.2")
        XCTAssertEqual(all[0].othersTold, ["nominated person"])
        // What the person is told when writing medication refusals, by law.
        XCTAssertTrue(medicationRefusalNotice(jurisdiction: .scotland).contains("(s.276)"))
        XCTAssertEqual(all[0].versionHash, v2.hash)

        // The vault lists it as a statement.
        XCTAssertEqual(try vault.documents().map(\.kind), [.advanceStatement])
    }

    /// A revocation records when and how; a Scottish statement is withdrawn
    /// in writing and witnessed (s.275(3)).
    func testRevocationRecordsWhenAndHowAndScotlandNeedsAWitnessedWriting() throws {
        let vault = try newVault().vault
        var statement = newAdvanceStatement()
        statement.makerDetails.jurisdiction = .scotland
        let v1 = try vault.createDocument(content: .advanceStatement(statement: statement))
        let inApp = Revocation(revokedOn: day(Date()), how: .inApp, notes: "", witness: nil)
        let refused = assertThrowsCase("InvalidInput (not in writing)",
                                       try vault.revokeVersion(documentId: v1.documentId, hash: v1.hash, revocation: inApp)) {
            if case .InvalidInput = $0 { return true } else { return false }
        }
        if case .InvalidInput(let reason)? = refused {
            XCTAssertTrue(reason.contains("s.275(3)"), reason)
        }
        XCTAssertNil(try vault.revocation(documentId: v1.documentId, hash: v1.hash))

        let witnessed = Revocation(
            revokedOn: day(Date()), how: .inWriting, notes: "Letter given to the ward manager",
            witness: Witness(name: "Dr Grey", role: "General practitioner", signedOn: day(Date()),
                             confirmsUnderstanding: false, confirmsNoUndueInfluence: false, statement: "",
                             attestedByWitness: false))
        try vault.revokeVersion(documentId: v1.documentId, hash: v1.hash, revocation: witnessed)
        XCTAssertEqual(try vault.latestVersion(documentId: v1.documentId).status, .revoked)
        XCTAssertEqual(try vault.revocation(documentId: v1.documentId, hash: v1.hash), witnessed)
    }
}
