//! The check of the relay protocol's messages (`relay_messages`): what the
//! relay reads from a client (the upload), and what a client reads from a
//! relay it does not trust (every answer, any status, any body).

use super::super::client::{self, RelayReply, Upload};
use super::super::link::{Link, LinkKey};
use super::super::transport::{Request, Response, Transport};
use super::super::{access_log, ShareError};
use super::{fixed_point, now, LOG, SHARE};
use crate::fuzzing::Input;

/// A relay that answers every request with one status and body.
struct Canned(u16, Vec<u8>);

impl Transport for Canned {
    fn send(&self, _: Request) -> Result<Response, ShareError> {
        Ok(Response {
            status: self.0,
            body: self.1.clone(),
        })
    }
}

const STATUSES: [u16; 12] = [200, 201, 204, 401, 403, 404, 409, 410, 413, 423, 429, 500];

/// Input: `call | status | body`. Call 0 is the relay reading an upload
/// (`haven-relay` decodes `client::Upload` itself): what decodes
/// re-encodes to a fixed point. Calls 1 to 4 are the client reading the
/// relay's answer to open, replies, log and publish: never a panic, the
/// error the status calls for, and what decodes re-encodes to a fixed
/// point (each sealed log event then goes to the log reader).
pub fn check_relay_messages(data: &[u8]) {
    let mut input = Input(data);
    let call = input.u8() % 5;
    let s = input.u8();
    let status = STATUSES
        .get(usize::from(s))
        .copied()
        .unwrap_or(u16::from(s) + 100);
    let body = input.rest().to_vec();
    let relay = Canned(status, body.clone());
    let url = "https://relay.example";
    match call {
        0 => {
            if let Ok(upload) = serde_json::from_slice::<Upload>(&body) {
                fixed_point(&upload);
            }
        }
        1 => {
            let link = Link {
                relay: url.into(),
                share_id: SHARE.into(),
                key: LinkKey::from_bytes([0x58; 32]),
                needs_pin: false,
            };
            match client::open_link(&relay, &link, None, None, now()) {
                // No key it holds opens what a relay makes up.
                Ok(_) => panic!("a capsule the relay made up opened"),
                Err(e) => {
                    let expected_for_status = match status {
                        200 => !matches!(e, ShareError::Transport { .. } | ShareError::Gone),
                        401 => e == ShareError::WrongKeyOrPin,
                        410 => matches!(
                            e,
                            ShareError::Expired { .. }
                                | ShareError::ReadLimitReached
                                | ShareError::Revoked
                                | ShareError::Gone
                        ),
                        404 => e == ShareError::Gone,
                        423 => e == ShareError::Locked,
                        413 => e == ShareError::TooLarge,
                        _ => matches!(e, ShareError::Transport { .. }),
                    };
                    assert!(expected_for_status, "status {status} read as {e:?}");
                }
            }
        }
        2 => match client::replies(&relay, url, SHARE, "owner") {
            Ok(list) => {
                assert_eq!(status, 200);
                fixed_point::<Vec<RelayReply>>(&list);
            }
            Err(e) => assert!(status != 200 || e == ShareError::Malformed, "{e:?}"),
        },
        3 => match client::access_log(&relay, url, SHARE, "owner") {
            Ok(events) => {
                assert_eq!(status, 200);
                for event in events {
                    match access_log::open(&event, SHARE, &LOG) {
                        Ok(_) | Err(ShareError::Malformed | ShareError::Tampered) => {}
                        Err(e) => panic!("{e:?}"),
                    }
                }
            }
            Err(e) => assert!(status != 200 || e == ShareError::Malformed, "{e:?}"),
        },
        _ => {
            let done = client::reply_done(&relay, url, SHARE, "reply", "owner");
            assert_eq!(done.is_ok(), matches!(status, 200 | 204 | 404));
        }
    }
}
