//! The network, behind a trait: core never opens a socket of its own
//! choosing. Every relay call is one [`Request`] handed to a [`Transport`];
//! the apps can pass their own HTTP stack (through the bindings), and the
//! CLI and tests use [`UreqTransport`] (ureq over rustls, WebPKI roots).
//!
//! Requests never carry a link's key: the URL is the relay's path only
//! (fragments are never built into it), and secrets travel as bearer
//! tokens derived for the relay (`link.rs`).

#[cfg(feature = "transport")]
use std::time::Duration;

use super::ShareError;

/// Largest response body read, in bytes (a capsule plus JSON framing).
pub const MAX_RESPONSE_BYTES: u64 = 8 * 1024 * 1024;

/// HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
    /// PUT.
    Put,
    /// DELETE.
    Delete,
}

/// One request to a relay.
#[derive(Clone)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// The full URL (scheme, host, path; never a fragment).
    pub url: String,
    /// A bearer token (base64url), sent as `Authorization: Bearer ...`.
    pub bearer: Option<String>,
    /// The body's content type, when there is a body.
    pub content_type: Option<&'static str>,
    /// The body.
    pub body: Vec<u8>,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The bearer token and body are secrets or ciphertext: never shown.
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// A relay's answer.
#[derive(Debug, Clone)]
pub struct Response {
    /// The HTTP status.
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
}

/// Sends requests. Implementations must not follow redirects to other
/// hosts with the bearer token, and must not log bodies or tokens.
pub trait Transport: Send + Sync {
    /// Sends one request; any HTTP status is a `Response`, only a failure
    /// to get one is an error (`ShareError::Transport`).
    fn send(&self, request: Request) -> Result<Response, ShareError>;
}

/// The default transport: ureq with rustls (ring) and the WebPKI roots.
#[cfg(feature = "transport")]
pub struct UreqTransport {
    agent: ureq::Agent,
}

#[cfg(feature = "transport")]
impl Default for UreqTransport {
    fn default() -> Self {
        Self::new(Duration::from_secs(30))
    }
}

#[cfg(feature = "transport")]
impl UreqTransport {
    /// A transport whose calls each give up after `timeout`.
    pub fn new(timeout: Duration) -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .max_redirects(0)
            .build();
        Self {
            agent: config.into(),
        }
    }
}

#[cfg(feature = "transport")]
fn failure(e: &ureq::Error) -> ShareError {
    // Fixed words: ureq's own messages can name the URL.
    let reason = match e {
        ureq::Error::Timeout(_) => "timed out",
        ureq::Error::Io(_) | ureq::Error::ConnectionFailed | ureq::Error::HostNotFound => {
            "could not connect"
        }
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => "the secure connection failed",
        ureq::Error::BodyExceedsLimit(_) => "the answer was too large",
        _ => "the request failed",
    };
    ShareError::Transport {
        reason: reason.into(),
    }
}

#[cfg(feature = "transport")]
impl Transport for UreqTransport {
    fn send(&self, request: Request) -> Result<Response, ShareError> {
        if request.url.contains('#') {
            return Err(ShareError::invalid(
                "a request URL must not carry a fragment",
            ));
        }
        let auth = request.bearer.as_ref().map(|t| format!("Bearer {t}"));
        let result = match request.method {
            Method::Get | Method::Delete => {
                let mut b = if request.method == Method::Get {
                    self.agent.get(&request.url)
                } else {
                    self.agent.delete(&request.url)
                };
                if let Some(a) = &auth {
                    b = b.header("Authorization", a);
                }
                b.call()
            }
            Method::Post | Method::Put => {
                let mut b = if request.method == Method::Post {
                    self.agent.post(&request.url)
                } else {
                    self.agent.put(&request.url)
                };
                if let Some(a) = &auth {
                    b = b.header("Authorization", a);
                }
                if let Some(ct) = request.content_type {
                    b = b.header("Content-Type", ct);
                }
                b.send(&request.body[..])
            }
        };
        let mut response = result.map_err(|e| failure(&e))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE_BYTES)
            .read_to_vec()
            .map_err(|e| failure(&e))?;
        Ok(Response { status, body })
    }
}
