//! Clinician consultation reviews, departures and review dates:
//! `statement review|departure|reviews` and `reviews due`.

use std::path::Path;

use chrono::{DateTime, Local, NaiveDate, NaiveTime, TimeZone, Utc};
use haven_core::{
    documents::{Clinician, SecondOpinion},
    DocumentKind, NewConsultationReview, NewDeparture, ReviewResponse, Section, SectionResponse,
    Vault,
};
use serde::{Deserialize, Serialize};

use crate::args::{DepartureArgs, YesNo};
use crate::compose::{self, Source};
use crate::documents::{pick, require};
use crate::documents_io;
use crate::fail::Failure;
use crate::output;

/// A review file, as the clinician fills it in (see `docs/document-files.md`).
#[derive(Serialize, Deserialize)]
struct ReviewFile {
    /// The reviewer's name.
    name: String,
    /// Their role.
    role: String,
    /// Their organisation or team.
    organisation: String,
    /// The date of the consultation (default: today).
    #[serde(default)]
    date: Option<NaiveDate>,
    /// One response per section considered.
    responses: Vec<SectionResponse>,
    /// Anything else.
    #[serde(default)]
    notes: String,
}

/// `statement review --file FILE`.
pub fn review(vault: &Vault, file: &Path, version: Option<&str>) -> Result<(), Failure> {
    let raw = documents_io::read_value(file)?;
    let r: ReviewFile = documents_io::typed(raw, "review")?;
    let doc = require(vault, DocumentKind::AdvanceStatement)?;
    let v = pick(vault, &doc, version)?;
    let stored = vault.add_consultation_review(
        &doc.id,
        &v.hash,
        NewConsultationReview {
            clinician: Clinician {
                name: r.name,
                role: r.role,
                organisation: r.organisation,
            },
            reviewed_on: r.date.unwrap_or_else(|| chrono::Local::now().date_naive()),
            responses: r.responses,
            notes: r.notes,
        },
    )?;
    let cannot = stored
        .responses
        .iter()
        .filter(|r| r.response == ReviewResponse::CannotFollow)
        .count();
    println!("{}", stored.id);
    eprintln!(
        "Recorded the review of version {}: {} sections, {cannot} that cannot be followed.",
        v.number,
        stored.responses.len()
    );
    Ok(())
}

/// `statement departure ...`.
pub fn departure(vault: &Vault, a: &DepartureArgs) -> Result<(), Failure> {
    let section: Section = serde_json::from_value(serde_json::Value::String(a.section.clone()))
        .map_err(|_| {
            let keys: Vec<&str> = DocumentKind::AdvanceStatement
                .sections()
                .iter()
                .map(|s| s.key())
                .collect();
            Failure::usage(format!("--section must be one of: {}", keys.join(", ")))
        })?;
    let doc = require(vault, DocumentKind::AdvanceStatement)?;
    let v = pick(vault, &doc, a.version.as_deref())?;
    let (occurred_at, time_known) = occurred(a.date, a.time)?;
    let second_opinion = match (&a.second_opinion_by, a.no_second_opinion) {
        (Some(name), _) => SecondOpinion::Obtained {
            by: Clinician {
                name: name.clone(),
                role: a.second_opinion_role.clone().unwrap_or_default(),
                organisation: a.second_opinion_organisation.clone().unwrap_or_default(),
            },
        },
        (None, true) => SecondOpinion::NotObtained,
        (None, false) => SecondOpinion::NotRecorded,
    };
    let reason = compose::text(
        Source {
            argument: a.reason.clone(),
            file: a.reason_file.as_deref(),
            edit: false,
        },
        "reason",
        "Why was the wish not followed? Write it, then press Ctrl-D:",
    )?;
    let d = vault.record_departure(
        &doc.id,
        &v.hash,
        NewDeparture {
            section,
            wish: a.wish.clone().unwrap_or_default(),
            clinician: Clinician {
                name: a.by.clone(),
                role: a.role.clone(),
                organisation: a.organisation.clone().unwrap_or_default(),
            },
            occurred_at,
            time_known,
            reason: reason.to_string(),
            person_told: a.told == YesNo::Yes,
            legal_authority: a.authority.clone(),
            second_opinion,
            others_told: a.also_told.clone(),
        },
    )?;
    println!("{}", d.id);
    eprintln!(
        "Recorded a departure from \"{}\" in version {}.",
        section.label(),
        v.number
    );
    if d.missing_second_opinion() {
        eprintln!(
            "Note: no second opinion was obtained before this treatment refusal was overridden. \
             Where the Mental Health Act 2025's advance choice provisions apply (s.57A), a valid \
             and applicable refusal may be overridden only with a second opinion and a \
             compelling reason: an advocate or a solicitor can help you challenge it."
        );
    }
    Ok(())
}

/// When a departure happened: the date (default today, here) at the time
/// given on this computer's clock, or at noon UTC with `time_known` false
/// when no time is given (only the date is recorded then).
fn occurred(
    date: Option<NaiveDate>,
    time: Option<NaiveTime>,
) -> Result<(DateTime<Utc>, bool), Failure> {
    let day = date.unwrap_or_else(|| Local::now().date_naive());
    match time {
        Some(t) => Local
            .from_local_datetime(&day.and_time(t))
            .earliest()
            .map(|local| (local.with_timezone(&Utc), true))
            .ok_or_else(|| Failure::usage("--time does not exist on that day here".into())),
        None => day
            .and_hms_opt(12, 0, 0)
            .map(|t| (Utc.from_utc_datetime(&t), false))
            .ok_or_else(|| Failure::usage("--date is not a valid date".into())),
    }
}

/// `statement reviews`: the clinician response log.
pub fn log(vault: &Vault, json: bool) -> Result<(), Failure> {
    let doc = require(vault, DocumentKind::AdvanceStatement)?;
    let reviews = vault.all_consultation_reviews(&doc.id)?;
    let departures = vault.all_departures(&doc.id)?;
    if json {
        return output::json(&serde_json::json!({
            "reviews": reviews,
            "departures": departures,
        }));
    }
    let history = vault.document_history(&doc.id)?;
    let number_of = |hash: &str| -> String {
        history
            .iter()
            .find(|v| v.hash == hash)
            .map_or_else(|| "?".into(), |v| v.number.to_string())
    };
    if reviews.is_empty() && departures.is_empty() {
        println!("No clinician reviews or departures recorded.");
    }
    for r in &reviews {
        println!(
            "Review {} of version {} by {} ({}, {})",
            r.reviewed_on,
            number_of(&r.version_hash),
            r.clinician.name,
            r.clinician.role,
            r.clinician.organisation
        );
        for s in &r.responses {
            let what = match s.response {
                ReviewResponse::Agreed => "agreed",
                ReviewResponse::Noted => "noted",
                ReviewResponse::CannotFollow => "cannot follow",
            };
            let reason = if s.reason.is_empty() {
                String::new()
            } else {
                format!(": {}", s.reason)
            };
            let told = if s.person_told { "" } else { " (not yet told)" };
            println!("  {}: {what}{reason}{told}", s.section.label());
        }
        if !r.notes.is_empty() {
            println!("  notes: {}", r.notes);
        }
    }
    for d in &departures {
        let when = if d.time_known {
            d.occurred_at
                .with_timezone(&Local)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        } else {
            d.occurred_at.format("%Y-%m-%d").to_string()
        };
        println!(
            "Departure {when} from version {}, {}: {} ({}) decided: {}{}",
            number_of(&d.version_hash),
            d.section.label(),
            d.clinician.name,
            d.clinician.role,
            d.reason,
            if d.person_told {
                "; you were told"
            } else {
                "; you were not told"
            }
        );
        if !d.legal_authority.is_empty() {
            println!("  legal authority: {}", d.legal_authority);
        }
        match &d.second_opinion {
            SecondOpinion::NotRecorded => {}
            SecondOpinion::NotObtained => println!("  no second opinion was obtained"),
            SecondOpinion::Obtained { by } => {
                println!("  second opinion: {} ({})", by.name, by.role)
            }
        }
        if !d.others_told.is_empty() {
            println!("  also told: {}", d.others_told.join("; "));
        }
    }
    Ok(())
}

/// `reviews due`.
pub fn due(vault: &Vault, within: u32, json: bool) -> Result<(), Failure> {
    let today = chrono::Local::now().date_naive();
    let due = vault.reviews_due(today, within)?;
    if json {
        return output::json(&due);
    }
    if due.is_empty() {
        println!("No reviews due in the next {within} days.");
    }
    for d in &due {
        let when = match d.days_until {
            0 => "today".to_string(),
            n if n < 0 => format!("{} days overdue", -n),
            n => format!("in {n} days"),
        };
        println!(
            "{}: review due {} ({when}); see `haven {} show`",
            d.kind.label(),
            d.next_review,
            documents_io::command_of(d.kind)
        );
    }
    Ok(())
}
