//! How document payloads become bytes and back: JSON that never quotes
//! serde's messages (they can repeat what the person wrote), and NFC
//! normalisation of every string before anything is stored.

use serde::de::DeserializeOwned;
use serde::Serialize;
use unicode_normalization::{is_nfc, UnicodeNormalization};
use zeroize::Zeroizing;

use crate::error::{HavenError, Result};

/// JSON-encodes a payload without ever quoting serde's message.
pub(crate) fn encode<T: Serialize>(value: &T) -> Result<Zeroizing<Vec<u8>>> {
    serde_json::to_vec(value)
        .map(Zeroizing::new)
        .map_err(|_| HavenError::invalid("the document could not be encoded"))
}

/// Decodes a payload; a failure is corruption of that record.
pub(crate) fn decode<T: DeserializeOwned>(bytes: &[u8], record_id: &str) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|_| HavenError::Corrupt {
        record_id: Some(record_id.to_string()),
    })
}

fn nfc_in_place(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) if !is_nfc(s) => *s = s.nfc().collect(),
        serde_json::Value::Array(items) => items.iter_mut().for_each(nfc_in_place),
        serde_json::Value::Object(map) => map.values_mut().for_each(nfc_in_place),
        _ => {}
    }
}

/// NFC-normalises every string in `value` (so text typed on two keyboards
/// compares equal, as in the journal).
pub(crate) fn normalise<T: Serialize + DeserializeOwned>(value: T) -> Result<T> {
    let mut v = serde_json::to_value(value)
        .map_err(|_| HavenError::invalid("the document could not be encoded"))?;
    nfc_in_place(&mut v);
    serde_json::from_value(v).map_err(|_| HavenError::invalid("the document could not be encoded"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::CrisisPlan;

    #[test]
    fn normalise_makes_text_nfc() {
        let plan = CrisisPlan {
            when_well: "e\u{301}te\u{301}".into(),
            ..Default::default()
        };
        let out = normalise(plan).unwrap();
        assert_eq!(out.when_well, "\u{e9}t\u{e9}");
    }
}
