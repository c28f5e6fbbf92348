// Runs the README's first-screens sample and checks the README shows it.
import Foundation
import Haven
import XCTest

final class FirstScreensTests: HavenTestCase {
    func testTheFirstScreensRunEndToEnd() async throws {
        let ui = Screens()
        try await firstScreens(path: path("haven.vault"), passphrase: passphrase, keyStore: MemoryKeyStore(),
                               kdf: testKdfParams(), ui: ui)
        XCTAssertNotNil(ui.recoveryKeyShownOnce)
        XCTAssertNil(ui.errorShown, "the device key unlocked it")
        XCTAssertEqual(ui.cardPdf.map { String(decoding: $0.prefix(4), as: UTF8.self) }, "%PDF")
        let vault = try HavenVault.open(path: path("haven.vault"))
        try vault.unlockWithPassphrase(passphrase: passphrase, listener: nil, token: nil)
        XCTAssertEqual(try vault.allEntries().count, 1)
        XCTAssertNotNil(try vault.crisisPlan()?.signOff)
    }

    func testTheReadmeShowsTheCompiledSample() throws {
        let here = URL(fileURLWithPath: #filePath)
        let package = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let source = try String(contentsOf: here.deletingLastPathComponent().appendingPathComponent("FirstScreens.swift"), encoding: .utf8)
        let readme = try String(contentsOf: package.appendingPathComponent("README.md"), encoding: .utf8)
        guard let start = source.range(of: "// README-SAMPLE-START\n"), let end = source.range(of: "// README-SAMPLE-END") else {
            return XCTFail("markers missing")
        }
        let sample = String(source[start.upperBound..<end.lowerBound])
        XCTAssertGreaterThan(sample.count, 500)
        XCTAssertTrue(readme.contains(sample), "README's first-screens sample differs from FirstScreens.swift")
    }
}
