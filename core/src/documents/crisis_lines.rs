//! Crisis lines, with defaults per region so a new plan is useful at once.
//!
//! The defaults are a starting point: the person can edit or remove them.
//! Numbers checked against the services' own pages (2025): NHS 111 option 2
//! (England and Wales mental health crisis), Samaritans 116 123, Shout (text
//! SHOUT to 85258), the US 988 Suicide & Crisis Lifeline.

use serde::{Deserialize, Serialize};

use super::redact::redacted_debug;

/// Where the person lives, for default crisis lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Region {
    /// United Kingdom.
    Uk,
    /// United States.
    Us,
    /// Anywhere else: no defaults are assumed.
    #[default]
    Other,
}

/// How a line is reached.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// A phone call.
    #[default]
    Call,
    /// A text message.
    Text,
    /// Either a call or a text.
    CallOrText,
}

/// A crisis line or emergency number.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
pub struct CrisisLine {
    /// Name of the service.
    pub name: String,
    /// The number to call or text.
    pub number: String,
    /// Call, text or both.
    pub channel: Channel,
    /// What to send when texting ("SHOUT"); empty for calls.
    pub text_message: String,
    /// When it is open ("24/7").
    pub hours: String,
    /// Anything else ("press 2 for mental health").
    pub notes: String,
}

redacted_debug!(CrisisLine);

fn line(
    name: &str,
    number: &str,
    channel: Channel,
    text: &str,
    hours: &str,
    notes: &str,
) -> CrisisLine {
    CrisisLine {
        name: name.into(),
        number: number.into(),
        channel,
        text_message: text.into(),
        hours: hours.into(),
        notes: notes.into(),
    }
}

impl CrisisLine {
    /// The default crisis lines for `region` (empty for [`Region::Other`]).
    pub fn defaults_for(region: Region) -> Vec<CrisisLine> {
        match region {
            Region::Uk => vec![
                line(
                    "NHS 111, option 2 (mental health)",
                    "111",
                    Channel::Call,
                    "",
                    "24/7",
                    "Call 111 and choose option 2 for urgent mental health help (England and Wales).",
                ),
                line(
                    "Samaritans",
                    "116 123",
                    Channel::Call,
                    "",
                    "24/7",
                    "Free to call, any time, about anything.",
                ),
                line(
                    "Shout",
                    "85258",
                    Channel::Text,
                    "SHOUT",
                    "24/7",
                    "Text SHOUT to 85258 if you would rather not talk.",
                ),
                line(
                    "Emergency services",
                    "999",
                    Channel::Call,
                    "",
                    "24/7",
                    "If your life is in immediate danger.",
                ),
            ],
            Region::Us => vec![
                line(
                    "988 Suicide & Crisis Lifeline",
                    "988",
                    Channel::CallOrText,
                    "",
                    "24/7",
                    "Call or text 988.",
                ),
                line(
                    "Emergency services",
                    "911",
                    Channel::Call,
                    "",
                    "24/7",
                    "If your life is in immediate danger.",
                ),
            ],
            Region::Other => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uk_defaults_have_111_option_2_samaritans_and_shout() {
        let lines = CrisisLine::defaults_for(Region::Uk);
        let numbers: Vec<&str> = lines.iter().map(|l| l.number.as_str()).collect();
        assert!(numbers.contains(&"111"));
        assert!(lines.iter().any(|l| l.notes.contains("option 2")));
        assert!(numbers.contains(&"116 123"));
        let shout = lines.iter().find(|l| l.number == "85258").unwrap();
        assert_eq!(shout.channel, Channel::Text);
        assert_eq!(shout.text_message, "SHOUT");
    }

    #[test]
    fn us_defaults_have_988() {
        let lines = CrisisLine::defaults_for(Region::Us);
        assert!(lines
            .iter()
            .any(|l| l.number == "988" && l.channel == Channel::CallOrText));
        assert!(CrisisLine::defaults_for(Region::Other).is_empty());
    }
}
