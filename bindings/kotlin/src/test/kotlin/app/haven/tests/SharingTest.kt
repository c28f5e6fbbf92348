package app.haven.tests

import app.haven.CancelToken
import app.haven.HavenVault
import app.haven.RelayRequest
import app.haven.RelayResponse
import app.haven.RelayTransport
import app.haven.RelayTransportException
import app.haven.carerCheckCode
import app.haven.code
import app.haven.core.AccessEvent
import app.haven.core.Contact
import app.haven.core.DocumentContent
import app.haven.core.DocumentVersion
import app.haven.core.FollowState
import app.haven.core.NewShare
import app.haven.core.PhoneNumber
import app.haven.core.Region
import app.haven.core.Reply
import app.haven.core.ReplySection
import app.haven.core.ReviewResponse
import app.haven.core.Section
import app.haven.core.ShareException
import app.haven.newAdvanceStatement
import app.haven.newCrisisPlan
import app.haven.openCrisisCard
import app.haven.openLinkAsync
import app.haven.sendReplyAsync
import app.haven.shareLinkQrSvg
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.io.IOException
import java.net.HttpURLConnection
import java.net.URI
import java.nio.file.Path
import java.time.LocalDate
import java.time.ZoneOffset
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit

/**
 * Sharing from Kotlin against a real haven-relay (started on a free loopback
 * port by bindings/kotlin/test.sh, passed as -Dhaven.relay): create, open as
 * the recipient and as an enrolled carer, revoke, a clinician's reply,
 * accept and decline, the app's own HTTP stack, cancellation.
 */
class SharingTest {
    @TempDir
    lateinit var dir: Path

    private val relay: String = System.getProperty("haven.relay")
        ?: error("no relay: run bindings/kotlin/test.sh, which starts one")

    private val marker = "Loud places, marker 7f3a"

    private fun plan(vault: HavenVault): DocumentVersion =
        vault.createDocument(
            DocumentContent.CrisisPlan(
                newCrisisPlan(Region.UK).copy(
                    triggers = listOf(marker),
                    helpContacts = listOf(
                        Contact("Sam Example", "brother", listOf(PhoneNumber("mobile", "07700 900123")), "", true),
                    ),
                ),
            ),
        )

    private fun share(documentId: String, pin: String? = null, replies: Boolean = false) =
        NewShare(documentId, emptyList(), "Sam, my brother", 14u, null, pin, relay, replies)

    private fun expectShare(code: String, block: suspend () -> Unit): ShareException {
        val e = assertThrows<ShareException> { runBlocking { block() } }
        assertEquals(code, e.code, "got ${e::class.simpleName}: ${e.message}")
        return e
    }

    @Test
    fun `create a share with a PIN, open it as the recipient, and read its access log`() {
        newVault(dir, "person.haven").vault.use { person ->
            val v = plan(person)
            val s = runBlocking { person.createShareAsync(share(v.documentId, pin = "2468")) }
            assertTrue(s.link.startsWith("$relay/s/${s.id}#"), "the key rides in the fragment")
            assertTrue(s.hasPin)
            assertEquals(listOf(s.id), person.shares().map { it.id })
            assertFalse(s.toString().contains(s.link.substringAfter('#')), "toString never shows the key")
            assertTrue(shareLinkQrSvg(s.link).contains("<svg"))

            val wrong = expectShare("wrong_key_or_pin") { openLinkAsync(s.link, "1357") }
            assertTrue(wrong is ShareException.WrongKeyOrPin)
            val opened = runBlocking { openLinkAsync(s.link, "2468") }
            assertEquals(s.id, opened.share)
            assertEquals(1uL, opened.seq)
            assertEquals("Sam, my brother", opened.recipient)
            assertEquals(person.shareIdentity(), opened.signer)
            val triggers = opened.document!!.sections.single { it.key == "triggers" }
            assertTrue(triggers.content.contains(marker), "the section's JSON carries the text")

            val log = runBlocking { person.shareLogAsync(s.id) }.map { it.event }
            assertEquals(setOf(AccessEvent.WRONG_PIN, AccessEvent.OPENED), log.toSet())
        }
    }

    @Test
    fun `a carer follows in their own vault until the person revokes the share`() {
        newVault(dir, "person.haven").vault.use { person ->
            newVault(dir, "carer.haven").vault.use { carer ->
                val v = plan(person)
                val s = runBlocking { person.createShareAsync(share(v.documentId)) }
                val carerKey = carer.carerPublicKey()
                val enrolment = runBlocking { person.enrolCarerAsync(s.id, "Sam", carerKey) }
                assertEquals(enrolment.checkCode, person.shares().single().carers.single().checkCode)

                val followed = runBlocking { carer.followWelcomeAsync(s.id, enrolment.welcome) }
                assertEquals(FollowState.ACTIVE, followed.state)
                val last = followed.last!!
                assertEquals(2uL, last.seq, "enrolling published a version encrypted to the carer")
                assertTrue(last.document!!.sections.single { it.key == "triggers" }.content.contains(marker))
                // Both screens show the same code.
                assertEquals(enrolment.checkCode, carerCheckCode(last.signer, carerKey))

                runBlocking { person.revokeShareAsync(s.id) }
                assertNotNull(person.shares().single().revokedAt)
                val after = runBlocking { carer.refreshFollowedAsync() }.single()
                assertEquals(FollowState.REVOKED, after.state)
                assertEquals(2uL, after.last!!.seq, "what the carer saw stays with them")
                expectShare("revoked") { openLinkAsync(s.link) }
                // Revoking again re-sends the revocation (for a failed upload).
                runBlocking { person.revokeShareAsync(s.id) }
                expectShare("revoked") { openLinkAsync(s.link) }
            }
        }
    }

    @Test
    fun `a clinician's reply waits for the person, who accepts one and declines another`() {
        newVault(dir, "person.haven").vault.use { person ->
            val statement = person.createDocument(DocumentContent.AdvanceStatement(newAdvanceStatement()))
            val s = runBlocking { person.createShareAsync(share(statement.documentId, replies = true)) }
            val opened = runBlocking { openLinkAsync(s.link) }
            assertNotNull(opened.replyTo, "a statement shared for review takes replies")
            val today = LocalDate.now(ZoneOffset.UTC)
            fun reply(name: String) = Reply(
                1u, opened.document!!.version, name, "Consultant psychiatrist", "North Ward", today,
                listOf(ReplySection(Section.TREATMENT_REFUSALS, ReviewResponse.CANNOT_FOLLOW, "Not available on this ward")),
                "",
            )
            runBlocking { sendReplyAsync(s.link, opened, reply("Dr A. Okafor")) }
            runBlocking { sendReplyAsync(s.link, opened, reply("Dr B. Second")) }
            val invalid = expectShare("invalid") { sendReplyAsync(s.link, opened, reply("").copy(role = "")) }
            assertTrue(invalid is ShareException.Invalid)

            val fetched = runBlocking { person.fetchRepliesAsync() }
            assertEquals(0u, fetched.refused)
            assertEquals(setOf("Dr A. Okafor", "Dr B. Second"), fetched.pending.map { it.reply.name }.toSet())
            // The relay gave its copies up once they were in the vault.
            assertEquals(2, runBlocking { person.fetchRepliesAsync() }.pending.size)

            val first = fetched.pending.single { it.reply.name == "Dr A. Okafor" }
            val review = person.acceptReply(first.id)
            assertEquals("Dr A. Okafor", review.clinician.name)
            assertEquals("Consultant psychiatrist", review.clinician.role)
            assertTrue(review.notes.startsWith("Submitted through a share"))
            assertEquals(ReviewResponse.CANNOT_FOLLOW, review.responses.single().response)

            person.declineReply(fetched.pending.single { it.reply.name == "Dr B. Second" }.id)
            assertTrue(person.pendingReplies().isEmpty())
            val gone = assertThrows<ShareException> { person.acceptReply(first.id) }
            assertEquals("vault", gone.code, "an accepted reply is no longer pending")
        }
    }

    /** The app's own HTTP stack: plain HttpURLConnection, no redirects. */
    class UrlConnectionTransport : RelayTransport {
        val seen = CopyOnWriteArrayList<RelayRequest>()

        override fun send(request: RelayRequest): RelayResponse {
            seen += request
            try {
                val c = URI(request.url).toURL().openConnection() as HttpURLConnection
                c.requestMethod = request.method
                c.instanceFollowRedirects = false
                request.bearer?.let { c.setRequestProperty("Authorization", "Bearer $it") }
                if (request.method == "POST" || request.method == "PUT") {
                    c.doOutput = true
                    request.contentType?.let { c.setRequestProperty("Content-Type", it) }
                    c.outputStream.use { it.write(request.body) }
                }
                val status = c.responseCode
                val body = (if (status >= 400) c.errorStream else c.inputStream)?.use { it.readBytes() } ?: ByteArray(0)
                return RelayResponse(status.toUShort(), body)
            } catch (e: IOException) {
                throw RelayTransportException.Failed("could not reach the relay")
            }
        }
    }

    @Test
    fun `the app's own HTTP stack carries every call, and never the link's key`() {
        newVault(dir, "person.haven").vault.use { person ->
            val http = UrlConnectionTransport()
            val s = runBlocking { person.createShareAsync(share(plan(person).documentId), http) }
            val opened = runBlocking { openLinkAsync(s.link, null, http) }
            assertEquals(1uL, opened.seq)
            runBlocking { person.revokeShareAsync(s.id, http) }
            expectShare("revoked") { openLinkAsync(s.link, null, http) }
            assertEquals(listOf("PUT", "POST", "PUT", "POST"), http.seen.map { it.method })
            val key = s.link.substringAfter('#')
            for (r in http.seen) {
                assertFalse(r.url.contains('#') || r.url.contains(key), "a request carries the key: ${r.url}")
                assertNotNull(r.bearer)
                assertFalse(r.toString().contains(r.bearer!!), "toString never shows the bearer token")
            }
            // A transport that gets no answer is a typed Transport error.
            val down = object : RelayTransport {
                override fun send(request: RelayRequest): RelayResponse =
                    throw RelayTransportException.Failed("no network")
            }
            expectShare("transport") { openLinkAsync(s.link, null, down) }
        }
    }

    @Test
    fun `a relay call stops when cancelled, with the app's token or the coroutine`() {
        newVault(dir, "person.haven").vault.use { person ->
            val s = runBlocking { person.createShareAsync(share(plan(person).documentId)) }
            val entered = CountDownLatch(1)
            val release = CountDownLatch(1)
            val stuck = object : RelayTransport {
                override fun send(request: RelayRequest): RelayResponse {
                    entered.countDown()
                    release.await(20, TimeUnit.SECONDS)
                    throw RelayTransportException.Failed("released")
                }
            }
            try {
                val token = CancelToken()
                runBlocking {
                    val call = async(Dispatchers.Default) { runCatching { person.publishShareAsync(s.id, stuck, token) } }
                    assertTrue(entered.await(10, TimeUnit.SECONDS), "the request started")
                    token.cancel()
                    val result = withTimeout(5_000) { call.await() }
                    val e = result.exceptionOrNull()
                    assertTrue(e is ShareException.Cancelled, "got $e")
                }
                // Cancelling the coroutine stops the call too.
                runBlocking {
                    val call = async(Dispatchers.Default) { openLinkAsync(s.link, null, stuck) }
                    call.cancel()
                    assertTrue(runCatching { call.await() }.exceptionOrNull() is kotlinx.coroutines.CancellationException)
                }
                // A token cancelled before the call: nothing is sent.
                val before = CancelToken().also { it.cancel() }
                expectShare("cancelled") { person.revokeShareAsync(s.id, null, before) }
                assertNull(person.shares().single().revokedAt, "a cancelled revoke changed nothing")
            } finally {
                release.countDown()
            }
        }
    }

    @Test
    fun `the offline crisis card opens with no network and says it cannot be revoked`() {
        newVault(dir, "person.haven").vault.use { person ->
            val v = plan(person)
            val card = person.crisisCard(v.documentId)
            assertTrue(card.svg.contains("<svg"))
            val opened = openCrisisCard(card.text, person.shareIdentity())
            assertEquals(listOf("Sam Example"), opened.call.map { it.name })
            assertTrue(opened.notice.contains("cannot be revoked"))
            val someoneElse = newVault(dir, "other.haven").vault.use { it.shareIdentity() }
            assertEquals("wrong_signer", assertThrows<ShareException> { openCrisisCard(card.text, someoneElse) }.code)
            val flipped = card.text.dropLast(2) + (if (card.text.endsWith("AA")) "AB" else "AA")
            assertTrue(assertThrows<ShareException> { openCrisisCard(flipped) }.code in setOf("tampered", "malformed"))
        }
    }
}
