// Exports in a chosen language with fonts the app passes in: a Chinese plan
// labelled in Welsh with no CJK font still exports, with a warning naming
// the section and script; a file that is not a font is refused. (Glyphs
// drawn with added fonts are checked by the Rust and Kotlin suites.)
import Foundation
import Haven
import XCTest

final class ExportLanguageTests: HavenTestCase {
    func testWelshExportWarnsAboutTextNoFontDraws() throws {
        XCTAssertEqual(exportLanguages(), ["en", "cy"])
        let vault = try newVault().vault
        var plan = newCrisisPlan(region: .uk)
        plan.whenWell = "我身体好的时候每天早上去公园散步"
        let v = try vault.createDocument(content: .crisisPlan(plan: plan))
        let ref = VersionRef(documentId: v.documentId, versionHash: v.hash)

        let fonts = ExportFonts()
        let out = try vault.exportPdf(kind: .crisisCard, version: ref, language: "cy", fonts: fonts)
        XCTAssertEqual(String(decoding: out.bytes.prefix(5), as: UTF8.self), "%PDF-")
        // The card shows no "when well" section: nothing to warn about.
        XCTAssertEqual(out.warnings, [])
        let full = try vault.exportPdf(kind: .crisisPlan, version: ref, language: "cy", fonts: fonts)
        XCTAssertEqual(full.warnings, [.missingGlyphs(section: "Sut ydw i pan fydda i'n iach", script: "Han")])

        let invalid: (HavenError) -> Bool = { if case .InvalidInput = $0 { return true }; return false }
        assertThrowsCase("InvalidInput", try fonts.addFont(bytes: Data("not a font".utf8)), invalid)
        assertThrowsCase("InvalidInput", try vault.exportPdf(
            kind: .crisisPlan, version: ref, language: "xx"), invalid)
    }
}
