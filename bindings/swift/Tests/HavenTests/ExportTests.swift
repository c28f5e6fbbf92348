// Exports through the bindings: PDF bytes for the plan, the card and the
// statement, and a FHIR R4 Bundle parsed as JSON; progress and cancel.
// (The PDFs' text is checked with pdftotext by the Rust and Kotlin suites;
// the Swift chroot has no poppler.)
import Foundation
import Haven
import XCTest

final class ExportTests: HavenTestCase {
    private func resources(_ bundleJSON: String) throws -> [[String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Data(bundleJSON.utf8))
        let bundle = try XCTUnwrap(object as? [String: Any])
        XCTAssertEqual(bundle["resourceType"] as? String, "Bundle")
        let entries = try XCTUnwrap(bundle["entry"] as? [[String: Any]])
        return entries.compactMap { $0["resource"] as? [String: Any] }
    }

    func testCrisisPlanExportsAsPdfCardAndFhirWithProgressAndCancel() throws {
        let vault = try newVault().vault
        var plan = newCrisisPlan(region: .uk)
        plan.helpContacts = [Contact(name: "Zoë Ångström", relationship: "sister",
                                     phones: [PhoneNumber(label: "mobile", number: "07700 900123")],
                                     notes: "", mayContact: true)]
        let v = try vault.createDocument(content: .crisisPlan(plan: plan))

        let listener = RecordingListener()
        let pdf = try vault.exportPdf(kind: .crisisPlanPdf, version: VersionRef(documentId: v.documentId, versionHash: v.hash), listener: listener).bytes
        XCTAssertEqual(String(decoding: pdf.prefix(5), as: UTF8.self), "%PDF-")
        XCTAssertTrue(String(decoding: pdf.suffix(8), as: UTF8.self).contains("%%EOF"))
        let fractions = listener.fractions
        XCTAssertFalse(fractions.isEmpty)
        XCTAssertEqual(fractions, fractions.sorted(), "progress only moves forward")

        let card = try vault.exportPdf(kind: .crisisCardPdf, version: VersionRef(documentId: v.documentId, versionHash: v.hash)).bytes
        XCTAssertEqual(String(decoding: card.prefix(5), as: UTF8.self), "%PDF-")

        let bundle = try vault.fhirBundle(versions: [VersionRef(documentId: v.documentId, versionHash: v.hash)])
        let types = try resources(bundle).compactMap { $0["resourceType"] as? String }
        XCTAssertTrue(types.contains("DocumentReference") && types.contains("CarePlan") && types.contains("Patient"))
        XCTAssertTrue(bundle.contains("736253002"), "SNOMED CT mental health crisis plan")

        let token = CancelToken()
        token.cancel()
        assertThrows("cancelled", try vault.exportPdf(kind: .crisisPlanPdf, version: VersionRef(documentId: v.documentId, versionHash: v.hash), token: token))
        XCTAssertThrowsError(try vault.exportPdf(kind: .advanceStatementPdf, version: VersionRef(documentId: v.documentId, versionHash: v.hash))) { error in
            guard case .InvalidInput = error as? HavenError else {
                return XCTFail("expected InvalidInput, got \(error)")
            }
        }
    }

    func testAdvanceStatementExportsAsPdfAndFhirConsent() throws {
        let vault = try newVault().vault
        let v = try vault.createDocument(content: .advanceStatement(statement: newAdvanceStatement()))
        let pdf = try vault.exportPdf(kind: .advanceStatementPdf, version: VersionRef(documentId: v.documentId, versionHash: v.hash)).bytes
        XCTAssertEqual(String(decoding: pdf.prefix(5), as: UTF8.self), "%PDF-")
        let bundle = try vault.fhirBundle(versions: [VersionRef(documentId: v.documentId, versionHash: v.hash)])
        let consent = try XCTUnwrap(resources(bundle).first { $0["resourceType"] as? String == "Consent" })
        let scope = try XCTUnwrap((consent["scope"] as? [String: Any])?["coding"] as? [[String: Any]])
        XCTAssertEqual(scope.first?["code"] as? String, "adr")
    }
}
