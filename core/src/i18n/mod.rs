//! The labels Haven writes into exports (PDF headings and field names, the
//! crisis card, FHIR narratives), from a message catalogue in Project Fluent
//! syntax: one `core/i18n/<code>.ftl` file per language, compiled in.
//! English is complete; any message a language lacks falls back to English,
//! never to an empty label.
//!
//! Adding a language (see `core/i18n/README.md`): copy `en.ftl` to
//! `<code>.ftl` (a BCP 47 code), translate the values, add one line to
//! [`CATALOGUES`]; the tests check every file parses and names only messages
//! English has.

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

use crate::error::{HavenError, Result};

/// The language every other falls back to.
pub const ENGLISH: &str = "en";

/// Every shipped catalogue: (language code, Fluent source).
const CATALOGUES: &[(&str, &str)] = &[
    ("en", include_str!("../../i18n/en.ftl")),
    ("cy", include_str!("../../i18n/cy.ftl")),
];

/// The codes of the languages exports can be labelled in.
pub fn languages() -> Vec<String> {
    CATALOGUES.iter().map(|(c, _)| (*c).to_string()).collect()
}

type Bundle = FluentBundle<FluentResource>;

fn bundle(code: &str, source: &str) -> Result<Bundle> {
    let broken = || HavenError::Internal {
        reason: format!("the {code} message catalogue does not parse"),
    };
    let lang: LanguageIdentifier = code.parse().map_err(|_| broken())?;
    let resource = FluentResource::try_new(source.to_string()).map_err(|_| broken())?;
    let mut b = FluentBundle::new(vec![lang]);
    // Labels are laid out by the bidi algorithm; isolation marks would only
    // end up in extracted text.
    b.set_use_isolating(false);
    b.add_resource(resource).map_err(|_| broken())?;
    Ok(b)
}

/// The labels of one export, in one language with English behind it.
pub(crate) struct Labels {
    code: String,
    own: Option<Bundle>,
    english: Bundle,
}

impl std::fmt::Debug for Labels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Labels({})", self.code)
    }
}

fn source_of(code: &str) -> Option<&'static str> {
    CATALOGUES
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(code))
        .map(|(_, s)| *s)
}

impl Labels {
    /// The labels for `code` (one of [`languages`]); `InvalidInput` for a
    /// language Haven has no catalogue for.
    pub fn new(code: &str) -> Result<Self> {
        let source = source_of(code).ok_or_else(|| {
            HavenError::invalid(format!(
                "exports can be labelled in {}, not {code:?}",
                languages().join(", ")
            ))
        })?;
        Self::from_source(code, source)
    }

    /// English labels.
    #[cfg(test)]
    pub fn english() -> Result<Self> {
        Self::new(ENGLISH)
    }

    /// Labels from a catalogue given as Fluent text (for tests of partial
    /// catalogues).
    pub(crate) fn from_source(code: &str, source: &str) -> Result<Self> {
        let english = bundle(ENGLISH, source_of(ENGLISH).unwrap_or_default())?;
        let own = if code.eq_ignore_ascii_case(ENGLISH) {
            None
        } else {
            Some(bundle(code, source)?)
        };
        Ok(Self {
            code: code.to_ascii_lowercase(),
            own,
            english,
        })
    }

    /// The language code.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// Message `id` with no arguments.
    pub fn t(&self, id: &str) -> String {
        self.fmt(id, None)
    }

    /// Message `id` with named arguments.
    pub fn a(&self, id: &str, args: &[(&str, &str)]) -> String {
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            fa.set(*k, FluentValue::from(*v));
        }
        self.fmt(id, Some(&fa))
    }

    fn fmt(&self, id: &str, args: Option<&FluentArgs>) -> String {
        for b in self.own.iter().chain(std::iter::once(&self.english)) {
            if let Some(pattern) = b.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                let s = b.format_pattern(pattern, args, &mut errors);
                if errors.is_empty() && !s.trim().is_empty() {
                    return s.into_owned();
                }
            }
        }
        // A message missing from English too is a bug the tests catch; show
        // its id rather than nothing.
        id.to_string()
    }
}

/// The message ids a Fluent source defines.
#[cfg(test)]
fn ids(source: &str) -> Vec<String> {
    source
        .lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_parses_and_has_only_english_ids() {
        let english = ids(source_of(ENGLISH).unwrap());
        assert!(english.len() > 100, "{}", english.len());
        for (code, source) in CATALOGUES {
            bundle(code, source).unwrap();
            for id in ids(source) {
                assert!(english.contains(&id), "{code} has {id}, English has not");
            }
        }
    }

    #[test]
    fn welsh_is_complete() {
        let english = ids(source_of(ENGLISH).unwrap());
        let welsh = ids(source_of("cy").unwrap());
        let missing: Vec<_> = english.iter().filter(|i| !welsh.contains(i)).collect();
        assert!(missing.is_empty(), "Welsh lacks {missing:?}");
    }

    #[test]
    fn welsh_labels_are_welsh() {
        let cy = Labels::new("cy").unwrap();
        assert_eq!(cy.t("title-crisis-plan"), "Cynllun argyfwng");
        assert_eq!(
            Labels::english().unwrap().t("title-crisis-plan"),
            "Crisis plan"
        );
    }

    #[test]
    fn a_missing_translation_falls_back_to_english() {
        let partial = Labels::from_source("cy", "title-crisis-plan = Cynllun argyfwng\n").unwrap();
        assert_eq!(partial.t("title-crisis-plan"), "Cynllun argyfwng");
        assert_eq!(partial.t("title-advance-statement"), "Advance statement");
        // An empty translation is missing too.
        let empty = Labels::from_source("cy", "title-crisis-plan = { \"\" }\n").unwrap();
        assert_eq!(empty.t("title-crisis-plan"), "Crisis plan");
    }

    #[test]
    fn arguments_are_filled_in() {
        let en = Labels::english().unwrap();
        assert_eq!(
            en.a("footer-page", &[("page", "2"), ("pages", "5")]),
            "page 2 of 5"
        );
    }

    #[test]
    fn an_unknown_language_is_invalid_input() {
        let err = Labels::new("xx").unwrap_err();
        assert!(matches!(err, HavenError::InvalidInput { .. }), "{err:?}");
    }
}
