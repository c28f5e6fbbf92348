//! The check of the sharing text a person pastes (`share_link`): a share
//! link, and a carer's public key (sent to the person to enrol).

use super::super::carer::parse_public;
use super::super::link::{is_share_id, Link};
use super::super::primitives::b64;
use super::super::ShareError;

/// First byte even: the rest is a link; odd: a carer's key. A link that
/// parses names a well-formed share id and an http(s) relay, and prints as
/// a link that parses to the same parts and prints the same again (the
/// printed form is canonical; what people paste need not be). A key that
/// parses is exactly the trimmed text in base64url. Anything else is
/// `Malformed`.
pub fn check_share_text(data: &[u8]) {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    if which & 1 == 0 {
        match Link::parse(&text) {
            Ok(link) => {
                assert!(is_share_id(&link.share_id));
                assert!(link.relay.starts_with("https://") || link.relay.starts_with("http://"));
                assert!(!link.relay.ends_with('/'));
                let url = link.to_url();
                let again = Link::parse(&url).unwrap();
                assert_eq!(again.relay, link.relay);
                assert_eq!(again.share_id, link.share_id);
                assert_eq!(again.key.as_bytes(), link.key.as_bytes());
                assert_eq!(again.needs_pin, link.needs_pin);
                assert_eq!(again.to_url(), url, "the printed link is not canonical");
            }
            Err(e) => assert_eq!(e, ShareError::Malformed),
        }
    } else {
        match parse_public(&text) {
            Ok(key) => assert_eq!(b64(&key), text.trim(), "two spellings of one key"),
            Err(e) => assert_eq!(e, ShareError::Malformed),
        }
    }
}
