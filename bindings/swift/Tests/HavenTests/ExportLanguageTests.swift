// Exports in a chosen language with fonts the app passes in: a plan written
// in Chinese, labelled in Welsh, exported with the bundled fonts only still
// completes, with warnings naming the section (in Welsh) and the script; with
// a CJK font file the app adds (Debian's fonts-wqy-microhei, which test.sh
// mounts at /haven/fonts; on iOS, a system font's file) nothing is missing.
// A file that is not a font, and an unknown language, are refused. (The
// PDFs' text is read back with pdftotext by the Rust and Kotlin suites; the
// Swift chroot has no poppler.)
import Foundation
import Haven
import XCTest

final class ExportLanguageTests: HavenTestCase {
    func testWelshExportWithTheAppsFontsOrWarningsWithout() async throws {
        XCTAssertEqual(exportLanguages(), ["en", "cy"])
        let vault = try newVault().vault
        var plan = newCrisisPlan(region: .uk)
        plan.whenWell = "我身体好的时候每天早上去公园散步"
        plan.distressSupport.helps = ["听音乐，慢慢地深呼吸"]
        let v = try vault.createDocument(content: .crisisPlan(plan: plan))
        let ref = VersionRef(documentId: v.documentId, versionHash: v.hash)

        let bare = try vault.exportPdf(kind: .crisisPlanPdf, version: ref, language: "cy")
        XCTAssertEqual(String(decoding: bare.bytes.prefix(5), as: UTF8.self), "%PDF-")
        XCTAssertEqual(Set(bare.warnings), [
            .missingGlyphs(section: "Sut ydw i pan fydda i'n iach", script: "Han"),
            .missingGlyphs(section: "Beth sy'n helpu a beth sydd ddim pan fydda i mewn trallod", script: "Han"),
        ])
        let bareCard = try vault.exportPdf(kind: .crisisCardPdf, version: ref, language: "cy")
        XCTAssertEqual(bareCard.warnings, [.missingGlyphs(section: "Beth sy'n fy helpu", script: "Han")])

        let fonts = ExportFonts()
        let before = fonts.faceCount()
        let cjk = try Data(contentsOf: URL(fileURLWithPath: "/haven/fonts/wqy-microhei.ttc"))
        XCTAssertGreaterThanOrEqual(try fonts.addFont(bytes: cjk), 1)
        XCTAssertGreaterThan(fonts.faceCount(), before)
        let full = try vault.exportPdf(kind: .crisisPlanPdf, version: ref, language: "cy", fonts: fonts)
        XCTAssertEqual(String(decoding: full.bytes.prefix(5), as: UTF8.self), "%PDF-")
        XCTAssertEqual(full.warnings, [])
        let card = try await vault.exportPdfAsync(kind: .crisisCardPdf, version: ref, language: "cy", fonts: fonts,
                                                  listener: nil, token: nil)
        XCTAssertEqual(card.warnings, [])

        let bundle = try vault.fhirBundle(versions: [ref], language: "cy")
        XCTAssertTrue(bundle.contains("Cynllun argyfwng"), "Welsh narrative")

        let invalid: (HavenError) -> Bool = { if case .InvalidInput = $0 { return true }; return false }
        assertThrowsCase("InvalidInput", try fonts.addFont(bytes: Data("not a font".utf8)), invalid)
        assertThrowsCase("InvalidInput", try vault.exportPdf(kind: .crisisPlanPdf, version: ref, language: "xx"), invalid)
    }
}
