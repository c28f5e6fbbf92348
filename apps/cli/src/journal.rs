//! `haven journal ...`

use std::io::IsTerminal;

use haven_core::{Bucket, Draft, Vault};

use crate::args::{By, JournalCommand};
use crate::compose::{self, Source};
use crate::fail::Failure;
use crate::links;
use crate::output;

const WRITE_PROMPT: &str = "Write your entry, then press Ctrl-D:";

/// Runs one journal command on an unlocked vault.
pub fn run(vault: &Vault, cmd: JournalCommand) -> Result<(), Failure> {
    match cmd {
        JournalCommand::Add {
            mood,
            tags,
            text,
            file,
            edit,
        } => {
            let source = Source {
                argument: text,
                file: file.as_deref(),
                edit,
            };
            let text = compose::text(source, "entry text", WRITE_PROMPT)?;
            let e = vault.add_entry(Draft {
                text: text.to_string(),
                mood,
                tags,
            })?;
            println!("{}", e.id);
        }
        JournalCommand::List { limit, json } => {
            let page = vault.list_entries(limit, None)?;
            if json {
                output::json(&page.entries)?;
            } else if page.entries.is_empty() {
                println!("The journal is empty.");
            } else {
                output::entry_lines(&page.entries);
            }
        }
        JournalCommand::Show { id, json } => {
            let e = vault.get_entry(&id)?;
            if json {
                output::json(&e)?;
            } else {
                output::entry_full(&e);
            }
        }
        JournalCommand::Edit {
            id,
            mood,
            no_mood,
            tags,
            no_tags,
            text,
            file,
            edit,
        } => {
            let old = vault.get_entry(&id)?;
            let text = if edit {
                compose::edit(&old.text, "txt", "entry text")?.to_string()
            } else if text.is_some() || file.is_some() || !std::io::stdin().is_terminal() {
                let source = Source {
                    argument: text,
                    file: file.as_deref(),
                    edit: false,
                };
                compose::text(source, "entry text", WRITE_PROMPT)?.to_string()
            } else {
                old.text
            };
            let mood = if no_mood { None } else { mood.or(old.mood) };
            let tags = if no_tags {
                vec![]
            } else if tags.is_empty() {
                old.tags
            } else {
                tags
            };
            let e = vault.edit_entry(&id, Draft { text, mood, tags })?;
            println!("{}", e.id);
        }
        JournalCommand::Delete { id } => {
            vault.delete_entry(&id)?;
            println!("Deleted {id}.");
        }
        JournalCommand::Search { query, json } => {
            let query = compose::line(query, "search query", "Search for: ")?;
            let found = vault.search_entries(&query)?;
            if json {
                output::json(&found)?;
            } else if found.is_empty() {
                println!("Nothing found.");
            } else {
                output::entry_lines(&found);
            }
        }
        JournalCommand::Link { id, warning_sign } => links::link(vault, &id, &warning_sign)?,
        JournalCommand::Unlink { id, warning_sign } => links::unlink(vault, &id, &warning_sign)?,
        JournalCommand::Linked { warning_sign, json } => links::linked(vault, &warning_sign, json)?,
        JournalCommand::Signs { id, json } => links::signs(vault, &id, json)?,
        JournalCommand::Moods { by, json } => {
            let bucket = match by {
                By::Day => Bucket::Day,
                By::Week => Bucket::Week,
            };
            let offset = chrono::Local::now().offset().local_minus_utc() / 60;
            let points = vault.mood_series(bucket, offset)?;
            if json {
                output::json(&points)?;
            } else {
                output::moods(&points);
            }
        }
    }
    Ok(())
}
