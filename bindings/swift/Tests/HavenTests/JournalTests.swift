// The journal from Swift: add, edit, delete, search, paging and moods.
import Foundation
import Haven
import XCTest

final class JournalTests: HavenTestCase {
    func testAddEditDeleteAndSearch() throws {
        let vault = try newVault().vault
        let walk = try vault.addEntry(draft: draft("Long walk by the river", mood: 7, tags: ["Outside"]))
        let night = try vault.addEntry(draft: draft("Bad night, little sleep", mood: 3, tags: ["sleep"]))
        let moodOnly = try vault.addEntry(draft: draft("", mood: 5))
        XCTAssertEqual(walk.tags, ["Outside"])
        XCTAssertEqual(moodOnly.mood, 5)

        let edited = try vault.editEntry(id: night.id, draft: draft("Bad night, but a good nap", mood: 4, tags: ["sleep", "nap"]))
        XCTAssertEqual(edited.id, night.id)
        XCTAssertEqual(edited.createdAt, night.createdAt)
        XCTAssertGreaterThanOrEqual(edited.updatedAt, night.updatedAt)
        XCTAssertEqual(try vault.getEntry(id: night.id).text, "Bad night, but a good nap")
        XCTAssertEqual(try vault.getEntry(id: night.id).mood, 4)

        // Any case, text or tags.
        XCTAssertEqual(try vault.searchEntries(query: "RIVER").map(\.id), [walk.id])
        XCTAssertEqual(try vault.searchEntries(query: "outside").map(\.id), [walk.id])
        XCTAssertEqual(try vault.searchEntries(query: "nap").map(\.id), [night.id])
        XCTAssertEqual(try vault.searchEntries(query: "nothing like this").count, 0)

        try vault.deleteEntry(id: walk.id)
        assertThrowsCase("NotFound", try vault.getEntry(id: walk.id)) {
            if case .NotFound(let m) = $0 { return m.contains(walk.id) } else { return false }
        }
        XCTAssertEqual(Set(try vault.allEntries().map(\.id)), [night.id, moodOnly.id])
        XCTAssertEqual(try vault.searchEntries(query: "river").count, 0)

        // Bad input is refused with the right case, not a crash.
        assertThrowsCase("InvalidInput (mood 11)", try vault.addEntry(draft: draft("x", mood: 11))) {
            if case .InvalidInput = $0 { return true } else { return false }
        }
        assertThrowsCase("InvalidInput (empty)", try vault.addEntry(draft: draft("   "))) {
            if case .InvalidInput = $0 { return true } else { return false }
        }
        assertThrowsCase("InvalidInput (negative page size)", try vault.listEntries(limit: -1, before: nil)) {
            if case .InvalidInput = $0 { return true } else { return false }
        }
    }

    func testPagingThroughEveryPageWithNextCursor() throws {
        let vault = try newVault().vault
        let total = 23
        for i in 0..<total {
            _ = try vault.addEntry(draft: draft("entry \(i)"))
        }
        var seen: [String] = []
        var cursor: String? = nil
        var pages = 0
        repeat {
            let page = try vault.listEntries(limit: 5, before: cursor)
            XCTAssertLessThanOrEqual(page.entries.count, 5)
            seen += page.entries.map(\.id)
            cursor = page.nextCursor
            pages += 1
            XCTAssertLessThan(pages, 10, "paging does not end")
        } while cursor != nil && pages < 10
        XCTAssertEqual(pages, 5)
        XCTAssertEqual(seen.count, total)
        XCTAssertEqual(Set(seen).count, total, "an entry appeared on two pages")
        // Newest first, the same order as allEntries.
        XCTAssertEqual(seen, try vault.allEntries().map(\.id))
        XCTAssertEqual(try vault.getEntry(id: seen[0]).text, "entry \(total - 1)")
        XCTAssertEqual(try vault.getEntry(id: seen[total - 1]).text, "entry 0")
    }

    func testMoodSeriesByDay() throws {
        let vault = try newVault().vault
        // Read before and after writing: a run across midnight UTC accepts either day.
        let dayBefore = day(Date())
        for mood: Int32 in [2, 4, 9] {
            _ = try vault.addEntry(draft: draft("mood \(mood)", mood: mood))
        }
        _ = try vault.addEntry(draft: draft("no mood here"))

        let points = try vault.moodSeries(bucket: .day, utcOffsetMinutes: 0)
        XCTAssertFalse(points.isEmpty)
        XCTAssertEqual(points.reduce(0) { $0 + $1.count }, 3, "only entries with a mood count")
        XCTAssertEqual(points.map(\.min).min(), 2)
        XCTAssertEqual(points.map(\.max).max(), 9)
        if points.count == 1 {
            XCTAssertEqual(points[0].mean, 5.0, accuracy: 1e-9)
            XCTAssertTrue([dayBefore, day(Date())].contains(points[0].periodStart), "\(points[0].periodStart)")
        }
        let weeks = try vault.moodSeries(bucket: .week, utcOffsetMinutes: 60)
        XCTAssertEqual(weeks.reduce(0) { $0 + $1.count }, 3)
    }
}
