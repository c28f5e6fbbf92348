//! The HTTP layer: a thin shell over [`Store`]. It checks sizes, rates and
//! tokens, seals access-log events to the share's log key (`events.rs`),
//! and sets the headers every answer carries (no caching anywhere, a strict CSP, no
//! referrer, no sniffing). It logs the method, the route pattern (never the
//! path with its id), the status and the time: never a body, a token or a
//! query (fragments never reach a server at all).
//!
//! The protocol is written down in `core/src/share/client.rs`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, MatchedPath, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use haven_core::share::access_log::AccessEvent;
use haven_core::share::capsule::MAX_CAPSULE_BYTES;
use haven_core::share::client::Upload;
use haven_core::share::link::{access_hash, is_share_id, PIN_TRIES};
use haven_core::share::primitives::{b64, unb64};
use haven_core::share::reply::MAX_REPLY_BYTES;

use crate::events::{LogKeys, Sealer};
use crate::limits::RateLimiter;
use crate::store::{AddReply, Open, Put, Share, Store};

/// Replies a share may hold at once.
pub const MAX_REPLIES: i64 = 20;
/// Longest expiry accepted, from now (90 days and a day of clock slack).
const MAX_EXPIRY_SECS: i64 = 91 * 24 * 3600;
/// Access tokens a share may have (link plus carers).
const MAX_ACCESS: usize = 64;

/// Scripts, styles and requests only from this origin (the viewer's own
/// files, which the page also pins by hash), no inline code, no frames, and
/// Trusted Types required so that no string can become markup.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; \
require-trusted-types-for 'script'";

/// What the handlers share.
pub struct App<S> {
    /// Storage.
    pub store: S,
    /// Per-address rate limiter.
    pub limiter: RateLimiter,
    /// Log keys of recently opened shares (to seal their events ahead).
    pub log_keys: LogKeys,
}

/// The relay's routes.
pub fn router<S: Store>(app: Arc<App<S>>) -> Router {
    let big = DefaultBodyLimit::max(MAX_CAPSULE_BYTES + 64 * 1024);
    let small = DefaultBodyLimit::max(MAX_REPLY_BYTES);
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/s/{id}", get(crate::viewer::page))
        .route("/card", get(crate::viewer::card_page))
        .route("/viewer/{file}", get(crate::viewer::file))
        .route("/favicon.ico", get(crate::viewer::favicon))
        .route("/api/shares/{id}", put(put_share::<S>).layer(big))
        .route("/api/shares/{id}/open", post(open_share::<S>))
        .route(
            "/api/shares/{id}/replies",
            post(add_reply::<S>).layer(small).get(list_replies::<S>),
        )
        .route("/api/shares/{id}/replies/{rid}", delete(delete_reply::<S>))
        .route("/api/shares/{id}/log", get(get_log::<S>))
        .layer(middleware::from_fn_with_state(app.clone(), guard::<S>))
        .with_state(app)
}

/// Headers, rate limit and the access log line, around every request.
async fn guard<S: Store>(
    State(app): State<Arc<App<S>>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "(no route)".into());
    let mut response = if app.limiter.allow(peer.ip()) {
        next.run(request).await
    } else {
        StatusCode::TOO_MANY_REQUESTS.into_response()
    };
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // One write per line: stderr is unbuffered, and `eprintln!` would
    // write each formatted piece with its own system call.
    let line = format!(
        "{} {method} {route} {} {}us\n",
        Utc::now().format("%Y-%m-%dT%H:%M:%SZ"),
        response.status().as_u16(),
        started.elapsed().as_micros()
    );
    let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), line.as_bytes());
    response
}

fn bearer_hash(headers: &HeaderMap) -> Option<[u8; 32]> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = unb64(value.strip_prefix("Bearer ")?.trim()).ok()?;
    (token.len() == 32).then(|| access_hash(&token))
}

fn status(code: StatusCode) -> Response {
    code.into_response()
}

fn internal(e: impl std::fmt::Display) -> Response {
    eprintln!("haven-relay: storage failed: {e}");
    status(StatusCode::SERVICE_UNAVAILABLE)
}

async fn put_share<S: Store>(
    State(app): State<Arc<App<S>>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !is_share_id(&id) {
        return status(StatusCode::NOT_FOUND);
    }
    let Some(owner) = bearer_hash(&headers) else {
        return status(StatusCode::UNAUTHORIZED);
    };
    let Ok(upload) = serde_json::from_slice::<Upload>(&body) else {
        return status(StatusCode::BAD_REQUEST);
    };
    let now = Utc::now().timestamp();
    let expires = upload.expires_at.timestamp();
    let mut access = Vec::new();
    for a in &upload.access {
        match unb64(a) {
            Ok(h) if h.len() == 32 => access.extend_from_slice(&h),
            _ => return status(StatusCode::BAD_REQUEST),
        }
    }
    if upload.owner != b64(&owner)
        || upload.access.is_empty()
        || upload.access.len() > MAX_ACCESS
        || expires <= now
        || expires > now + MAX_EXPIRY_SECS
        || upload.seq == 0
        || unb64(&upload.log_key).map(|k| k.len()) != Ok(32)
    {
        return status(StatusCode::BAD_REQUEST);
    }
    if upload.capsule.len() > MAX_CAPSULE_BYTES {
        return status(StatusCode::PAYLOAD_TOO_LARGE);
    }
    let share = Share {
        owner: owner.to_vec(),
        seq: i64::try_from(upload.seq).unwrap_or(i64::MAX),
        capsule: upload.capsule.into_bytes(),
        access,
        expires_at: expires,
        read_limit: upload.read_limit.map(i64::from),
        revoked: upload.revoked,
        log_key: upload.log_key,
    };
    match app.store.put(&id, share).await {
        Ok(Put::Stored) => status(StatusCode::OK),
        Ok(Put::NotOwner) => status(StatusCode::UNAUTHORIZED),
        Ok(Put::Stale) => status(StatusCode::CONFLICT),
        Err(e) => internal(e),
    }
}

fn gone(state: &str, at: Option<DateTime<Utc>>) -> Response {
    let mut body = serde_json::json!({ "state": state });
    if let Some(at) = at {
        body["at"] = at.to_rfc3339().into();
    }
    (StatusCode::GONE, Json(body)).into_response()
}

async fn open_share<S: Store>(
    State(app): State<Arc<App<S>>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !is_share_id(&id) {
        return status(StatusCode::NOT_FOUND);
    }
    // No token at all is not a PIN attempt (nothing to count).
    let Some(token) = bearer_hash(&headers) else {
        return status(StatusCode::UNAUTHORIZED);
    };
    let now = Utc::now();
    let mut sealer = Sealer::new(&id, now);
    if let Some(log_key) = app.log_keys.get(&id) {
        sealer.seal_ahead(&log_key, AccessEvent::Opened);
    }
    let outcome = match app
        .store
        .open(&id, &token, now.timestamp(), i64::from(PIN_TRIES), sealer)
        .await
    {
        Ok(o) => o,
        Err(e) => return internal(e),
    };
    if let Some(log_key) = outcome.log_key() {
        app.log_keys.remember(&id, log_key);
    }
    match outcome {
        Open::Capsule { capsule, .. } => {
            ([(header::CONTENT_TYPE, "application/json")], capsule).into_response()
        }
        Open::WrongToken { locked_now, .. } => {
            if locked_now {
                status(StatusCode::LOCKED)
            } else {
                status(StatusCode::UNAUTHORIZED)
            }
        }
        Open::Locked => status(StatusCode::LOCKED),
        Open::Expired { at, .. } => gone("expired", DateTime::from_timestamp(at, 0)),
        Open::ReadLimit { .. } => gone("read_limit", None),
        Open::NotFound => status(StatusCode::NOT_FOUND),
    }
}

async fn add_reply<S: Store>(
    State(app): State<Arc<App<S>>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if !is_share_id(&id) {
        return status(StatusCode::NOT_FOUND);
    }
    // The relay cannot open a reply; it checks what core's reader checks
    // before decrypting (format, version, share), so it stores nothing the
    // person could not open for those reasons.
    if haven_core::share::reply::addressed_to(&body, &id).is_err() {
        return status(StatusCode::BAD_REQUEST);
    }
    let reply_id = match haven_core::share::link::new_share_id() {
        Ok(r) => r,
        Err(e) => return internal(e),
    };
    match app
        .store
        .add_reply(&id, &reply_id, body.to_vec(), MAX_REPLIES)
        .await
    {
        Ok(AddReply::Added) => status(StatusCode::CREATED),
        Ok(AddReply::NotFound) => status(StatusCode::NOT_FOUND),
        Ok(AddReply::Full) => status(StatusCode::TOO_MANY_REQUESTS),
        Err(e) => internal(e),
    }
}

/// `Ok(())` if the bearer owns share `id`; the answer to send otherwise.
async fn owner<S: Store>(app: &App<S>, id: &str, headers: &HeaderMap) -> Result<(), Response> {
    if !is_share_id(id) {
        return Err(status(StatusCode::NOT_FOUND));
    }
    let Some(hash) = bearer_hash(headers) else {
        return Err(status(StatusCode::UNAUTHORIZED));
    };
    match app.store.is_owner(id, &hash).await {
        Ok(Some(true)) => Ok(()),
        Ok(Some(false)) => Err(status(StatusCode::UNAUTHORIZED)),
        Ok(None) => Err(status(StatusCode::NOT_FOUND)),
        Err(e) => Err(internal(e)),
    }
}

async fn list_replies<S: Store>(
    State(app): State<Arc<App<S>>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = owner(&app, &id, &headers).await {
        return r;
    }
    match app.store.replies(&id).await {
        Ok(list) => {
            let out: Vec<serde_json::Value> = list
                .into_iter()
                .map(|(rid, body)| {
                    serde_json::json!({"id": rid, "reply": String::from_utf8_lossy(&body)})
                })
                .collect();
            Json(out).into_response()
        }
        Err(e) => internal(e),
    }
}

async fn delete_reply<S: Store>(
    State(app): State<Arc<App<S>>>,
    Path((id, rid)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = owner(&app, &id, &headers).await {
        return r;
    }
    match app.store.delete_reply(&id, &rid).await {
        Ok(()) => status(StatusCode::NO_CONTENT),
        Err(e) => internal(e),
    }
}

async fn get_log<S: Store>(
    State(app): State<Arc<App<S>>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = owner(&app, &id, &headers).await {
        return r;
    }
    match app.store.log(&id).await {
        Ok(events) => {
            let out: Vec<String> = events
                .into_iter()
                .map(|e| String::from_utf8_lossy(&e).into_owned())
                .collect();
            Json(out).into_response()
        }
        Err(e) => internal(e),
    }
}
