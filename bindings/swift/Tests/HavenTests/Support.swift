// Shared pieces of the Swift binding tests: a fresh folder per test, vault
// creation at the cheapest KDF cost, and Swift implementations of the two
// platform callbacks (key store, progress listener).
import Foundation
import Haven
import XCTest

let passphrase = "correct horse battery staple"

/// The floor (19 MiB, 2 passes), so the tests run fast. The bindings do not
/// offer it to apps (issue 9); tests build it like an app on a weak device would.
func testKdfParams() -> KdfParams {
    KdfParams(memoryKib: 19 * 1024, iterations: 2, parallelism: 1)
}

/// A test case with its own temporary folder, removed afterwards.
class HavenTestCase: XCTestCase {
    private(set) var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("haven-swift-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let dir { try? FileManager.default.removeItem(at: dir) }
    }

    func path(_ name: String) -> String {
        dir.appendingPathComponent(name).path
    }

    /// A new unlocked vault with the minimum Argon2id cost (fast tests).
    func newVault(_ name: String = "vault.haven") throws -> CreatedVault {
        try createVault(path: path(name), passphrase: passphrase, kdf: testKdfParams())
    }

    /// Asserts that `body` throws the `HavenError` whose code is `expected`.
    func assertThrows<T>(
        _ expected: String, _ body: @autoclosure () throws -> T,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual((error as? HavenError)?.code, expected, "\(error)", file: file, line: line)
        }
    }

    /// Asserts that `body` throws a `HavenError` accepted by `matches`, and returns it.
    @discardableResult
    func assertThrowsCase<T>(
        _ what: String, _ body: @autoclosure () throws -> T,
        file: StaticString = #filePath, line: UInt = #line,
        _ matches: (HavenError) -> Bool
    ) -> HavenError? {
        var caught: HavenError?
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            caught = error as? HavenError
            XCTAssertNotNil(caught, "not a HavenError: \(error)", file: file, line: line)
            if let caught {
                XCTAssertTrue(matches(caught), "expected \(what), got \(caught)", file: file, line: line)
            }
        }
        return caught
    }
}

func draft(_ text: String, mood: Int32? = nil, tags: [String] = []) -> Draft {
    Draft(text: text, mood: mood, tags: tags)
}

/// A date as the core's calendar date (year, month, day; UTC).
func day(_ date: Date) -> NaiveDate {
    isoDay(date)
}

func daysAgo(_ n: Int) -> NaiveDate {
    day(Date().addingTimeInterval(-Double(n) * 86_400))
}

/// Stands in for the iOS Keychain: the core hands it a device key once and
/// asks for it back to unlock.
final class MemoryKeyStore: KeyStore, @unchecked Sendable {
    private let lock = NSLock()
    private var keys: [String: Data] = [:]

    func store(alias: String, key: Data) throws {
        lock.lock(); defer { lock.unlock() }
        keys[alias] = key
    }

    func load(alias: String) throws -> Data? {
        lock.lock(); defer { lock.unlock() }
        return keys[alias]
    }

    func remove(alias: String) throws {
        lock.lock(); defer { lock.unlock() }
        keys[alias] = nil
    }

    var snapshot: [String: Data] {
        lock.lock(); defer { lock.unlock() }
        return keys
    }
}

/// Records every progress report, from whichever thread it comes.
final class RecordingListener: ProgressListener, @unchecked Sendable {
    private let lock = NSLock()
    private var reports: [(step: String, fraction: Double)] = []
    private let onReport: (String, Double) -> Void

    init(_ onReport: @escaping (String, Double) -> Void = { _, _ in }) { self.onReport = onReport }

    func onProgress(step: String, fraction: Double) {
        lock.lock()
        reports.append((step, fraction))
        lock.unlock()
        onReport(step, fraction)
    }

    var steps: [String] {
        lock.lock(); defer { lock.unlock() }
        return reports.map(\.step)
    }

    var fractions: [Double] {
        lock.lock(); defer { lock.unlock() }
        return reports.map(\.fraction)
    }
}

func person(_ name: String) -> Contact {
    Contact(name: name, relationship: "", phones: [], notes: "", mayContact: true)
}

let clinician = Clinician(name: "Dr Ada Price", role: "Consultant psychiatrist", organisation: "North Trust")

/// An advance statement with every section empty.
func emptyStatement() -> AdvanceStatement {
    let practical = PracticalArrangements(
        childrenAndDependants: "", pets: "", home: "", bills: "", benefits: "", work: "", other: "")
    return AdvanceStatement(
        makerDetails: MakerDetails(
            fullName: "", preferredName: "", pronouns: "", dateOfBirth: nil, healthNumber: "", address: "",
            jurisdiction: .notChosen),
        aboutMe: AboutMe(lifeExperiences: "", trauma: "", whatMyDistressMeans: "", other: ""),
        valuesAndWishes: ValuesAndWishes(values: "", beliefs: "", wishes: "", feelings: ""),
        treatmentRequests: TreatmentRequests(whatHasWorked: [], preferredMedications: [], otherRequests: []),
        treatmentRefusals: [],
        restrictiveInterventions: RestrictiveInterventions(
            tryFirst: [], deEscalation: [], restraint: "", seclusion: "", rapidTranquillisation: "",
            personalCareStaffGender: ""),
        hospitalPreferences: HospitalPreferences(preferred: [], avoid: [], notes: ""),
        people: StatementPeople(
            nominatedPerson: nil, peopleToConsult: [], carers: [], attorneys: [], advocate: nil, excluded: []),
        informationSharing: [],
        dependantsAndHome: practical,
        physicalHealth: PhysicalHealth(conditions: [], disabilities: [], allergies: [], medications: [], notes: ""),
        communication: Communication(
            language: "", interpreterNeeded: false, easyRead: false, otherNeeds: "", howToTalkWithMe: ""),
        cultureAndFaith: CultureAndFaith(culture: "", religionOrSpirituality: "", diet: "", notes: ""),
        distribution: Distribution(copies: [], notes: "")
    )
}

func signOff(_ name: String, on date: NaiveDate, witness: Witness? = nil) -> SignOff {
    SignOff(
        makerName: name, signedOn: date, confirmsCapacity: true, capacityStatement: "", supportUsed: "",
        witness: witness)
}

func witness(_ name: String) -> Witness {
    Witness(
        name: name, role: "Friend", signedOn: day(Date()), confirmsUnderstanding: true,
        confirmsNoUndueInfluence: true, statement: "\(name) saw the maker sign, freely.", attestedByWitness: false)
}

struct UnexpectedConflict: Error {}

/// The version a `saveVersion` saved (a conflict fails the test).
func savedVersion(_ outcome: SaveOutcome) throws -> DocumentVersion {
    guard case .saved(let version) = outcome else { throw UnexpectedConflict() }
    return version
}
