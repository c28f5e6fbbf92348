// Sharing from Swift against a real haven-relay (started on a free loopback
// port by bindings/swift/test.sh outside the chroot, which shares the host's
// network; its address arrives as HAVEN_TEST_RELAY): create, open as the
// recipient and as an enrolled carer, revoke, a clinician's reply, accept,
// and Task cancellation of a relay call.
import Foundation
import Haven
import XCTest

/// Running without the relay bindings/swift/test.sh starts is a failure.
struct NoRelay: Error, CustomStringConvertible {
    var description: String { "no relay: run bindings/swift/test.sh, which starts one" }
}

final class SharingTests: HavenTestCase {
    let marker = "Loud places, marker 7f3a"

    var relay: String {
        get throws {
            guard let r = ProcessInfo.processInfo.environment["HAVEN_TEST_RELAY"], !r.isEmpty else {
                throw NoRelay()
            }
            return r
        }
    }

    func plan(_ vault: HavenVault) throws -> DocumentVersion {
        var plan = newCrisisPlan(region: .uk)
        plan.triggers = [marker]
        plan.helpContacts = [Contact(name: "Sam Example", relationship: "brother",
                                     phones: [PhoneNumber(label: "mobile", number: "07700 900123")],
                                     notes: "", mayContact: true)]
        return try vault.createDocument(content: .crisisPlan(plan: plan))
    }

    func share(_ documentId: String, pin: String? = nil, replies: Bool = false) throws -> NewShare {
        NewShare(documentId: documentId, sections: [], recipient: "Sam, my brother", expiresInDays: 14,
                 readLimit: nil, pin: pin, relay: try relay, inviteReplies: replies)
    }

    /// Awaits `body` and asserts it throws the `ShareError` with `code`.
    func expectShareError<T>(_ code: String, _ body: () async throws -> T,
                             file: StaticString = #filePath, line: UInt = #line) async {
        do {
            _ = try await body()
            XCTFail("no error; expected \(code)", file: file, line: line)
        } catch let e as ShareError {
            XCTAssertEqual(e.code, code, "\(e)", file: file, line: line)
        } catch {
            XCTFail("not a ShareError: \(error)", file: file, line: line)
        }
    }

    func testCreateAShareWithAPinAndOpenItAsTheRecipient() async throws {
        let person = try newVault("person.haven").vault
        let s = try await person.createShareAsync(share: try share(try plan(person).documentId, pin: "2468"))
        XCTAssertTrue(s.link.hasPrefix("\(try relay)/s/\(s.id)#"))
        XCTAssertEqual(try person.shares().map(\.id), [s.id])
        XCTAssertFalse("\(s)".contains(String(s.link.split(separator: "#")[1])), "description never shows the key")

        await expectShareError("wrong_key_or_pin") { try await openLinkAsync(link: s.link, pin: "1357") }
        let opened = try await openLinkAsync(link: s.link, pin: "2468")
        XCTAssertEqual(opened.seq, 1)
        XCTAssertEqual(opened.signer, try person.shareIdentity())
        let triggers = try XCTUnwrap(opened.document?.sections.first { $0.key == "triggers" })
        XCTAssertTrue(triggers.content.contains(marker))
        let events = Set(try await person.shareLogAsync(shareId: s.id).map(\.event))
        XCTAssertEqual(events, [.wrongPin, .opened])
    }

    func testACarerFollowsUntilThePersonRevokes() async throws {
        let person = try newVault("person.haven").vault
        let carer = try newVault("carer.haven").vault
        let s = try await person.createShareAsync(share: try share(try plan(person).documentId))
        let key = try carer.carerPublicKey()
        let enrolment = try await person.enrolCarerAsync(shareId: s.id, name: "Sam", publicKey: key)
        let followed = try await carer.followWelcomeAsync(shareId: s.id, welcome: enrolment.welcome)
        XCTAssertEqual(followed.state, .active)
        let last = try XCTUnwrap(followed.last)
        XCTAssertEqual(last.seq, 2)
        XCTAssertTrue(try XCTUnwrap(last.document?.sections.first { $0.key == "triggers" }).content.contains(marker))
        XCTAssertEqual(try carerCheckCode(signer: last.signer, carerPublicKey: key), enrolment.checkCode)

        try await person.revokeShareAsync(shareId: s.id)
        let after = try await carer.refreshFollowedAsync()
        XCTAssertEqual(after.map(\.state), [.revoked])
        XCTAssertEqual(after.first?.last?.seq, 2, "what the carer saw stays with them")
        await expectShareError("revoked") { try await openLinkAsync(link: s.link) }
    }

    func testAClinicianRepliesAndThePersonAcceptsIt() async throws {
        let person = try newVault("person.haven").vault
        let statement = try person.createDocument(content: .advanceStatement(statement: newAdvanceStatement()))
        let s = try await person.createShareAsync(share: try share(statement.documentId, replies: true))
        let opened = try await openLinkAsync(link: s.link)
        XCTAssertNotNil(opened.replyTo)
        let today = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date())
        let reply = Reply(v: 1, version: try XCTUnwrap(opened.document).version, name: "Dr A. Okafor",
                          role: "Consultant psychiatrist", organisation: "North Ward",
                          date: DateComponents(year: today.year, month: today.month, day: today.day),
                          sections: [ReplySection(section: .treatmentRefusals, response: .agreed, reason: "")],
                          notes: "")
        try await sendReplyAsync(link: s.link, opened: opened, reply: reply)
        let fetched = try await person.fetchRepliesAsync()
        XCTAssertEqual(fetched.refused, 0)
        XCTAssertEqual(fetched.pending.map(\.reply.name), ["Dr A. Okafor"])
        let review = try person.acceptReply(replyId: fetched.pending[0].id)
        XCTAssertEqual(review.clinician.name, "Dr A. Okafor")
        XCTAssertTrue(review.notes.hasPrefix("Submitted through a share"))
        XCTAssertTrue(try person.pendingReplies().isEmpty)
    }

    /// A transport that never answers until released.
    final class Stuck: RelayTransport, @unchecked Sendable {
        let release = DispatchSemaphore(value: 0)
        let entered = DispatchSemaphore(value: 0)
        func send(request: RelayRequest) throws -> RelayResponse {
            entered.signal()
            _ = release.wait(timeout: .now() + 20)
            throw RelayTransportError.Failed(reason: "released")
        }
    }

    func testCancellingTheTaskStopsARelayCall() async throws {
        let person = try newVault("person.haven").vault
        let s = try await person.createShareAsync(share: try share(try plan(person).documentId))
        let stuck = Stuck()
        defer { stuck.release.signal() }
        let task = Task {
            try await withCancelToken { token in
                try await person.publishShareAsync(shareId: s.id, transport: stuck, token: token)
            }
        }
        XCTAssertEqual(stuck.entered.wait(timeout: .now() + 10), .success, "the request started")
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("the call finished despite the cancel")
        } catch is CancellationError {
            // expected: well before the stuck transport would give up
        }
        let token = CancelToken()
        token.cancel()
        await expectShareError("cancelled") { try await person.revokeShareAsync(shareId: s.id, token: token) }
        XCTAssertNil(try person.shares().first?.revokedAt, "a cancelled revoke changed nothing")
    }
}
