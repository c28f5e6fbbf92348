//! Sharing from the apps (issue 10, ADR 0008): shares of the crisis plan or
//! advance statement through a relay, their access log and revocation,
//! carers (enrol, revoke, follow), clinicians' replies (send, fetch, accept,
//! decline) and the offline crisis card.
//!
//! Every call that talks to a relay is async only (`...Async`): it runs on
//! a Haven worker thread ([`offload`]), takes the app's own HTTP stack or
//! none (core's rustls default, see `relay_transport.rs`), and stops at
//! cancellation (a cancelled Kotlin coroutine, or the `CancelToken` the
//! Swift helper cancels) with `ShareError::Cancelled`. Calls that only read
//! or write the vault are plain, like the rest of `HavenVault`. Errors are
//! the core's typed `ShareError`; no panic crosses (both paths are guarded).
//!
//! What a cancelled or failed call leaves: the vault is always consistent;
//! a capsule whose upload did not finish is sent again by
//! `publish_share_async` (a revocation by `revoke_share_async` again).

use std::sync::Arc;

use chrono::Utc;
use haven_core::share::access_log::LogEntry;
use haven_core::share::capsule::Signed;
use haven_core::share::card::{self, Card};
use haven_core::share::follow::Followed;
use haven_core::share::link::Link;
use haven_core::share::reply::{self, Reply};
use haven_core::share::{
    client, qr, CardOut, Enrolment, NewShare, PendingReply, ShareError, ShareSummary,
};
use haven_core::{ConsultationReview, DocumentKind, HavenError};

use crate::guard::guard;
use crate::offload::offload;
use crate::progress::CancelToken;
use crate::relay_transport::{chosen, Cancellable, RelayTransport};
use crate::vault::HavenVault;

/// The vault's and the offload's `Cancelled` are the share call's own.
fn typed(e: ShareError) -> ShareError {
    match e {
        ShareError::Vault(HavenError::Cancelled) => ShareError::Cancelled,
        e => e,
    }
}

/// Runs a sharing call inside the panic guard.
fn guarded<T>(f: impl FnOnce() -> Result<T, ShareError>) -> Result<T, ShareError> {
    match guard(|| Ok(f())) {
        Ok(r) => r,
        Err(e) => Err(ShareError::Vault(e)),
    }
}

/// Runs a relay call off the calling thread, cancellable (see the module
/// comment).
async fn relay_call<T: Send + 'static>(
    transport: Option<Arc<dyn RelayTransport>>,
    token: Option<Arc<CancelToken>>,
    work: impl FnOnce(&Cancellable<'_>) -> Result<T, ShareError> + Send + 'static,
) -> Result<T, ShareError> {
    let t = chosen(transport);
    match offload(None, token, move |p| Ok(work(&Cancellable::new(t, p)))).await {
        Ok(r) => r.map_err(typed),
        Err(e) => Err(typed(ShareError::Vault(e))),
    }
}

/// What fetching replies found.
#[derive(uniffi::Record)]
#[uniffi::export(Debug)]
pub struct FetchedReplies {
    /// Every reply waiting for the person (those fetched now and before),
    /// oldest first.
    pub pending: Vec<PendingReply>,
    /// Replies the relay held that did not open (damaged, or not sealed to
    /// this share): left on the relay, not added.
    pub refused: u32,
}

impl std::fmt::Debug for FetchedReplies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FetchedReplies")
            .field("pending", &self.pending.len())
            .field("refused", &self.refused)
            .finish()
    }
}

#[uniffi::export]
impl HavenVault {
    /// The person's share identity (Ed25519 public key, base64url), made on
    /// first use: recipients see it as who signed what they read.
    pub fn share_identity(&self) -> Result<String, ShareError> {
        guarded(|| self.vault.share_identity())
    }

    /// Every share, newest first, with its link (and key) so the person can
    /// show it again, its state and its enrolled carers.
    pub fn shares(&self) -> Result<Vec<ShareSummary>, ShareError> {
        guarded(|| self.vault.shares())
    }

    /// This vault's carer public key (base64url), made on first use: the
    /// person enrolling you as a carer enters it.
    pub fn carer_public_key(&self) -> Result<String, ShareError> {
        guarded(|| self.vault.carer_public_key())
    }

    /// The shares this vault follows, as of their last refresh.
    pub fn followed(&self) -> Result<Vec<Followed>, ShareError> {
        guarded(|| self.vault.followed())
    }

    /// Replies waiting for the person (already fetched), oldest first.
    pub fn pending_replies(&self) -> Result<Vec<PendingReply>, ShareError> {
        guarded(|| self.vault.pending_replies())
    }

    /// Accepts a waiting reply into the consultation log of the version it
    /// answers, marked as submitted through a share with the name and role
    /// the clinician gave.
    pub fn accept_reply(&self, reply_id: String) -> Result<ConsultationReview, ShareError> {
        guarded(|| self.vault.accept_reply(&reply_id))
    }

    /// Declines (deletes) a waiting reply; nothing is added.
    pub fn decline_reply(&self, reply_id: String) -> Result<(), ShareError> {
        guarded(|| self.vault.decline_reply(&reply_id))
    }

    /// The offline crisis card of a crisis plan (its text and QR code as
    /// SVG). It cannot be revoked once made: say so on the screen that
    /// makes it.
    pub fn crisis_card(&self, document_id: String) -> Result<CardOut, ShareError> {
        guarded(|| self.vault.crisis_card(&document_id, Utc::now()))
    }

    /// Shares a document through a relay: makes the share and its first
    /// capsule and uploads it. The result's `link` carries the key after
    /// `#` (show it as text and with `share_link_qr_svg`). If the upload
    /// fails the share is already in `shares()`: `publish_share_async`
    /// sends it again.
    #[uniffi::method(default(transport = None, token = None))]
    pub async fn create_share_async(
        self: Arc<Self>,
        share: NewShare,
        transport: Option<Arc<dyn RelayTransport>>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<ShareSummary, ShareError> {
        relay_call(transport, token, move |t| {
            let (summary, p) = self.vault.create_share(&share, Utc::now())?;
            client::publish(t, &share.relay, &p)?;
            Ok(summary)
        })
        .await
    }

    /// Publishes the document's current version to a share (the link and
    /// every carer not revoked); returns the new version number.
    #[uniffi::method(default(transport = None, token = None))]
    pub async fn publish_share_async(
        self: Arc<Self>,
        share_id: String,
        transport: Option<Arc<dyn RelayTransport>>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<u64, ShareError> {
        relay_call(transport, token, move |t| {
            let p = self.vault.republish_share(&share_id, Utc::now())?;
            client::publish(t, &self.vault.share_owner(&share_id)?.0, &p)?;
            Ok(p.seq)
        })
        .await
    }

    /// Revokes a share: the relay then holds only a signed "revoked" notice.
    /// What was already seen stays with whoever saw it. Calling it again
    /// re-sends the revocation.
    #[uniffi::method(default(transport = None, token = None))]
    pub async fn revoke_share_async(
        self: Arc<Self>,
        share_id: String,
        transport: Option<Arc<dyn RelayTransport>>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<(), ShareError> {
        relay_call(transport, token, move |t| {
            let p = self.vault.revoke_share(&share_id, Utc::now())?;
            client::publish(t, &self.vault.share_owner(&share_id)?.0, &p)
        })
        .await
    }

    /// A share's access log (opened, wrong PIN, locked, expired, revoked),
    /// to the hour, oldest first: fetched sealed and opened here.
    #[uniffi::method(default(transport = None, token = None))]
    pub async fn share_log_async(
        self: Arc<Self>,
        share_id: String,
        transport: Option<Arc<dyn RelayTransport>>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<Vec<LogEntry>, ShareError> {
        relay_call(transport, token, move |t| {
            let (relay, owner) = self.vault.share_owner(&share_id)?;
            let sealed = client::access_log(t, &relay, &share_id, &owner)?;
            self.vault.open_access_log(&share_id, &sealed)
        })
        .await
    }

    /// Enrols a carer (the public key their Haven or viewer shows) on a
    /// share and publishes the current version to them. Returns the check
    /// code both screens must show and the welcome to send them (sealed to
    /// them; they follow with it).
    #[uniffi::method(default(transport = None, token = None))]
    pub async fn enrol_carer_async(
        self: Arc<Self>,
        share_id: String,
        name: String,
        public_key: String,
        transport: Option<Arc<dyn RelayTransport>>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<Enrolment, ShareError> {
        relay_call(transport, token, move |t| {
            let e = self
                .vault
                .enrol_carer(&share_id, &name, &public_key, Utc::now())?;
            let p = self.vault.republish_share(&share_id, Utc::now())?;
            client::publish(t, &self.vault.share_owner(&share_id)?.0, &p)?;
            Ok(e)
        })
        .await
    }

    /// Stops encrypting later versions of a share to a carer and publishes
    /// a version they cannot open. What they saw stays with them.
    #[uniffi::method(default(transport = None, token = None))]
    pub async fn revoke_carer_async(
        self: Arc<Self>,
        share_id: String,
        public_key: String,
        transport: Option<Arc<dyn RelayTransport>>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<(), ShareError> {
        relay_call(transport, token, move |t| {
            self.vault
                .revoke_carer(&share_id, &public_key, Utc::now())?;
            let p = self.vault.republish_share(&share_id, Utc::now())?;
            client::publish(t, &self.vault.share_owner(&share_id)?.0, &p)
        })
        .await
    }

    /// Fetches clinicians' replies to the person's advance-statement shares
    /// from their relays into the vault (as pending: nothing is merged until
    /// the person accepts), and returns every reply waiting.
    #[uniffi::method(default(transport = None, token = None))]
    pub async fn fetch_replies_async(
        self: Arc<Self>,
        transport: Option<Arc<dyn RelayTransport>>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<FetchedReplies, ShareError> {
        relay_call(transport, token, move |t| {
            let mut refused = 0u32;
            for s in self.vault.shares()? {
                if s.kind != DocumentKind::AdvanceStatement {
                    continue;
                }
                let (relay, owner) = self.vault.share_owner(&s.id)?;
                let waiting = match client::replies(t, &relay, &s.id, &owner) {
                    Ok(w) => w,
                    // Swept after expiry or revocation: nothing to fetch.
                    Err(ShareError::Gone) => continue,
                    Err(e) => return Err(e),
                };
                for r in waiting {
                    match self
                        .vault
                        .receive_reply(&s.id, r.reply.as_bytes(), Utc::now())
                    {
                        Ok(_) => client::reply_done(t, &relay, &s.id, &r.id, &owner)?,
                        Err(ShareError::Vault(e)) => return Err(ShareError::Vault(e)),
                        Err(_) => refused = refused.saturating_add(1),
                    }
                }
            }
            Ok(FetchedReplies {
                pending: self.vault.pending_replies()?,
                refused,
            })
        })
        .await
    }

    /// Follows a link (with its PIN if it needs one) in this vault: opens
    /// it now and keeps it; `refresh_followed_async` checks it again.
    #[uniffi::method(default(pin = None, transport = None, token = None))]
    pub async fn follow_link_async(
        self: Arc<Self>,
        link: String,
        pin: Option<String>,
        transport: Option<Arc<dyn RelayTransport>>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<Followed, ShareError> {
        relay_call(transport, token, move |t| {
            self.vault.follow_link(t, &link, pin.as_deref(), Utc::now())
        })
        .await
    }

    /// Follows a share as an enrolled carer, with the welcome the person
    /// sent (sealed to this vault's carer key) and the share id.
    #[uniffi::method(default(transport = None, token = None))]
    pub async fn follow_welcome_async(
        self: Arc<Self>,
        share_id: String,
        welcome: Vec<u8>,
        transport: Option<Arc<dyn RelayTransport>>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<Followed, ShareError> {
        relay_call(transport, token, move |t| {
            self.vault
                .follow_welcome(t, &share_id, &welcome, Utc::now())
        })
        .await
    }

    /// Refreshes every followed share from its relay; each shows its state
    /// (active, revoked, expired, rolled back, offline, ...) and the newest
    /// version seen.
    #[uniffi::method(default(transport = None, token = None))]
    pub async fn refresh_followed_async(
        self: Arc<Self>,
        transport: Option<Arc<dyn RelayTransport>>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<Vec<Followed>, ShareError> {
        relay_call(transport, token, move |t| {
            self.vault.refresh_followed(t, Utc::now())
        })
        .await
    }
}

/// Opens a link once, as its recipient, with no vault (counts one read).
/// To keep it and be warned of rollbacks, follow it instead.
#[uniffi::export(default(pin = None, transport = None, token = None))]
pub async fn open_link_async(
    link: String,
    pin: Option<String>,
    transport: Option<Arc<dyn RelayTransport>>,
    token: Option<Arc<CancelToken>>,
) -> Result<Signed, ShareError> {
    relay_call(transport, token, move |t| {
        let l = Link::parse(&link)?;
        Ok(client::open_link(t, &l, pin.as_deref(), None, Utc::now())?.content)
    })
    .await
}

/// Sends a clinician's reply to a shared advance statement: `opened` is
/// what `open_link_async` returned for `link`; the reply is sealed to the
/// person (the relay cannot read it) and waits for them.
#[uniffi::export(default(transport = None, token = None))]
pub async fn send_reply_async(
    link: String,
    opened: Signed,
    reply: Reply,
    transport: Option<Arc<dyn RelayTransport>>,
    token: Option<Arc<CancelToken>>,
) -> Result<(), ShareError> {
    relay_call(transport, token, move |t| {
        let l = Link::parse(&link)?;
        if opened.share != l.share_id {
            return Err(ShareError::WrongShare);
        }
        let reply_to = opened
            .reply_to
            .as_deref()
            .ok_or_else(|| ShareError::invalid("this share does not take replies"))?;
        let sealed = reply::seal(&reply, &l.share_id, reply_to)?;
        client::send_reply(t, &l.relay, &l.share_id, &sealed)
    })
    .await
}

/// A QR code (SVG) of a share's link, to show beside the link's text.
#[uniffi::export]
pub fn share_link_qr_svg(link: String) -> Result<String, ShareError> {
    guarded(|| {
        Link::parse(&link)?;
        qr::svg(link.as_bytes())
    })
}

/// Opens a scanned offline crisis card with no network: checks its
/// signature (and, when given, that it is signed by `expected_signer`,
/// base64url) and returns what it says.
#[uniffi::export(default(expected_signer = None))]
pub fn open_crisis_card(text: String, expected_signer: Option<String>) -> Result<Card, ShareError> {
    guarded(|| card::decode(&text, expected_signer.as_deref()))
}

/// The check code a carer's screen shows: from the signer of what they
/// follow (`Followed.last.signer`) and their own `carer_public_key`. It
/// must equal the code the person's screen showed when enrolling them.
#[uniffi::export]
pub fn carer_check_code(signer: String, carer_public_key: String) -> Result<String, ShareError> {
    guarded(|| {
        let signer = haven_core::share::carer::parse_public(&signer)?;
        let carer = haven_core::share::carer::parse_public(&carer_public_key)?;
        Ok(haven_core::share::carer::check_code(&signer, &carer))
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::offload::block_on;
    use crate::relay_transport::{RelayRequest, RelayResponse, RelayTransportError};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::mpsc;
    use std::time::{Duration, Instant};

    fn link() -> String {
        Link {
            relay: "http://127.0.0.1:9".into(),
            share_id: haven_core::share::link::new_share_id().unwrap(),
            key: haven_core::share::link::LinkKey::generate().unwrap(),
            needs_pin: false,
        }
        .to_url()
    }

    /// Answers every request with `status`, or panics, or waits for release.
    struct Fake {
        status: Option<u16>,
        entered: std::sync::Mutex<Option<mpsc::Sender<()>>>,
        release: AtomicBool,
        seen: std::sync::Mutex<Vec<String>>,
    }

    impl Fake {
        fn new(status: Option<u16>) -> Arc<Self> {
            Arc::new(Self {
                status,
                entered: std::sync::Mutex::new(None),
                release: AtomicBool::new(false),
                seen: std::sync::Mutex::new(Vec::new()),
            })
        }
    }

    impl RelayTransport for Fake {
        fn send(&self, request: RelayRequest) -> Result<RelayResponse, RelayTransportError> {
            self.seen.lock().unwrap().push(request.url.clone());
            if let Some(tx) = self.entered.lock().unwrap().take() {
                let _ = tx.send(());
                for _ in 0..1000 {
                    if self.release.load(Ordering::SeqCst) {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
            }
            match self.status {
                Some(status) => Ok(RelayResponse {
                    status,
                    body: Vec::new(),
                }),
                None => panic!("a transport bug"),
            }
        }
    }

    #[test]
    fn statuses_come_back_typed_and_requests_never_carry_the_key() {
        let l = link();
        let fake = Fake::new(Some(401));
        let r = block_on(open_link_async(l.clone(), None, Some(fake.clone()), None));
        assert_eq!(r.unwrap_err(), ShareError::WrongKeyOrPin);
        let fake410 = Fake::new(Some(404));
        let r = block_on(open_link_async(l.clone(), None, Some(fake410), None));
        assert_eq!(r.unwrap_err(), ShareError::Gone);
        let seen = fake.seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 1);
        assert!(seen[0].ends_with("/open") && !seen[0].contains('#'));
        let key = l.split('#').nth(1).unwrap();
        assert!(!seen[0].contains(key));
    }

    #[test]
    fn a_panicking_transport_is_a_typed_error() {
        let r = block_on(open_link_async(link(), None, Some(Fake::new(None)), None));
        assert!(
            matches!(r, Err(ShareError::Vault(HavenError::Internal { .. }))),
            "{r:?}"
        );
    }

    #[test]
    fn cancelling_stops_a_request_in_flight_at_once() {
        let fake = Fake::new(Some(200));
        let (tx, rx) = mpsc::channel();
        *fake.entered.lock().unwrap() = Some(tx);
        let token = CancelToken::new();
        let (t2, f2) = (token.clone(), fake.clone());
        let canceller = std::thread::spawn(move || {
            rx.recv_timeout(Duration::from_secs(10)).unwrap();
            let at = Instant::now();
            t2.cancel();
            at
        });
        let r = block_on(open_link_async(
            link(),
            None,
            Some(fake.clone()),
            Some(token),
        ));
        let cancelled_at = canceller.join().unwrap();
        assert_eq!(r.unwrap_err(), ShareError::Cancelled);
        assert!(
            cancelled_at.elapsed() < Duration::from_secs(2),
            "the call waited for the transport"
        );
        f2.release.store(true, Ordering::SeqCst);
        // A token cancelled before the call sends nothing.
        let before = Fake::new(Some(200));
        let token = CancelToken::new();
        token.cancel();
        let r = block_on(open_link_async(
            link(),
            None,
            Some(before.clone()),
            Some(token),
        ));
        assert_eq!(r.unwrap_err(), ShareError::Cancelled);
        assert!(before.seen.lock().unwrap().is_empty());
    }
}
