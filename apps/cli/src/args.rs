//! The command line, declared with clap. Secrets never come from argv (it is
//! visible to other processes): only from the environment, a file, or a
//! no-echo prompt.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Haven: your journal and your voice in a crisis, encrypted on your device.
#[derive(Debug, Parser)]
#[command(name = "haven", version, about)]
pub struct Cli {
    /// The vault file.
    #[arg(long, env = "HAVEN_VAULT", global = true)]
    pub vault: Option<PathBuf>,
    /// Read the passphrase from the first line of this file (instead of
    /// HAVEN_PASSPHRASE or a prompt).
    #[arg(long, global = true, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new vault (never overwrites) and print its recovery key once.
    Init(InitArgs),
    /// Write, read, search and chart the journal.
    #[command(subcommand)]
    Journal(JournalCommand),
    /// Change the passphrase (new one from HAVEN_NEW_PASSPHRASE or a prompt).
    #[command(subcommand)]
    Passphrase(PassphraseCommand),
    /// Open the vault with the recovery key and set a new passphrase.
    Recover,
    /// Authenticate every record; exit 0 only if all are intact.
    Verify,
    /// A guided run through Haven in a fresh vault.
    Tour {
        /// Where to create the tour's vault (default: a temporary folder).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}

/// Options for `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Argon2id memory in MiB (default 64; lower only for constrained devices).
    #[arg(long, default_value_t = 64)]
    pub kdf_memory_mib: u32,
    /// Argon2id passes (default 3).
    #[arg(long, default_value_t = 3)]
    pub kdf_iterations: u32,
}

/// `passphrase ...`
#[derive(Debug, Subcommand)]
pub enum PassphraseCommand {
    /// Replace the passphrase (the recovery key keeps working).
    Change,
}

/// `journal ...`
#[derive(Debug, Subcommand)]
pub enum JournalCommand {
    /// Add an entry; prints its id.
    Add {
        /// Mood from 1 to 10.
        #[arg(long)]
        mood: Option<u8>,
        /// A tag (repeatable).
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// The text; read from standard input when left out.
        text: Option<String>,
    },
    /// List entries, newest first.
    List {
        /// How many.
        #[arg(long, default_value_t = 20)]
        limit: u32,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show one entry.
    Show {
        /// Entry id.
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Edit an entry (keeps its creation time).
    Edit {
        /// Entry id.
        id: String,
        /// New mood from 1 to 10.
        #[arg(long, conflicts_with = "no_mood")]
        mood: Option<u8>,
        /// Remove the mood.
        #[arg(long)]
        no_mood: bool,
        /// Replace the tags with these (repeatable).
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// Remove all tags.
        #[arg(long, conflicts_with = "tags")]
        no_tags: bool,
        /// New text; read from standard input when left out and input is piped.
        text: Option<String>,
    },
    /// Delete an entry for good.
    Delete {
        /// Entry id.
        id: String,
    },
    /// Find entries whose text or tags contain QUERY (any case).
    Search {
        /// What to look for.
        query: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Mood over time.
    Moods {
        /// Group by day or week.
        #[arg(long, value_enum, default_value_t = By::Day)]
        by: By,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Mood grouping.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum By {
    /// Calendar days.
    Day,
    /// ISO weeks.
    Week,
}
