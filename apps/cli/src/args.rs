//! The command line, declared with clap. Secrets never come from argv (it is
//! visible to other processes): only from the environment, a file, or a
//! no-echo prompt.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use crate::file_format::FileFormat;

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
    /// Open the vault even though it is older than the last one seen on this
    /// computer (you restored an older copy on purpose).
    #[arg(long, global = true)]
    pub accept_rollback: bool,
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
    /// Replace the vault key: every record resealed under a new key, a new
    /// passphrase (from HAVEN_NEW_PASSPHRASE or a prompt) and a new recovery
    /// key shown once. Old passphrases, recovery keys and device keys stop
    /// opening this vault; old backups keep opening with their own secrets.
    Rekey {
        /// The cost of the new passphrase slot.
        #[command(flatten)]
        kdf: KdfArgs,
    },
    /// Authenticate every record; exit 0 only if all are intact.
    Verify,
    /// The crisis plan: show, edit from a file, history, diff, sign, revoke,
    /// review date, template, export.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// The advance statement: as `plan`, plus clinician reviews and departures.
    #[command(subcommand)]
    Statement(StatementCommand),
    /// Review dates of signed documents.
    #[command(subcommand)]
    Reviews(ReviewsCommand),
    /// Share the plan or statement with carers and clinicians through a
    /// relay; open and follow what others share with you.
    #[command(subcommand)]
    Share(crate::share::ShareCommand),
    /// Encrypted backup of the whole vault, and restore into a new vault.
    #[command(subcommand)]
    Backup(BackupCommand),
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
    /// The cost of the passphrase slot.
    #[command(flatten)]
    pub kdf: KdfArgs,
}

/// The Argon2id cost of a new passphrase slot: always chosen here, never
/// copied from a slot already in the file.
#[derive(Debug, Args)]
pub struct KdfArgs {
    /// Argon2id memory in MiB (default 64; at least 19; lower only for
    /// constrained devices).
    #[arg(long, default_value_t = 64)]
    pub kdf_memory_mib: u32,
    /// Argon2id passes (default 3; at least 2).
    #[arg(long, default_value_t = 3)]
    pub kdf_iterations: u32,
}

/// `passphrase ...`
#[derive(Debug, Subcommand)]
pub enum PassphraseCommand {
    /// Replace the passphrase (the recovery key keeps working).
    Change {
        /// The cost of the new passphrase slot.
        #[command(flatten)]
        kdf: KdfArgs,
        /// Also replace the vault key (as `haven rekey`): do this if someone
        /// may know the old passphrase, or had a copy of the vault or a backup.
        #[arg(long)]
        rotate: bool,
    },
}

/// `journal ...`
#[derive(Debug, Subcommand)]
pub enum JournalCommand {
    /// Add an entry; prints its id.
    Add {
        /// Mood from 1 to 10.
        #[arg(long)]
        mood: Option<i32>,
        /// A tag (repeatable).
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// The text. Other programs on this machine can read arguments, so
        /// prefer standard input (used when no text is given), --file or
        /// --edit.
        text: Option<String>,
        /// Read the text from this file.
        #[arg(long, conflicts_with = "text")]
        file: Option<PathBuf>,
        /// Write the text in your editor ($VISUAL, $EDITOR, else vi), on a
        /// private temporary file removed afterwards.
        #[arg(long, conflicts_with_all = ["text", "file"])]
        edit: bool,
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
        mood: Option<i32>,
        /// Remove the mood.
        #[arg(long)]
        no_mood: bool,
        /// Replace the tags with these (repeatable).
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// Remove all tags.
        #[arg(long, conflicts_with = "tags")]
        no_tags: bool,
        /// New text (other programs on this machine can read arguments:
        /// prefer piping it in, --file or --edit). Read from standard input
        /// when left out and input is piped; else the text is kept.
        text: Option<String>,
        /// Read the new text from this file.
        #[arg(long, conflicts_with = "text")]
        file: Option<PathBuf>,
        /// Edit the text in your editor, starting from the current text, on
        /// a private temporary file removed afterwards.
        #[arg(long, conflicts_with_all = ["text", "file"])]
        edit: bool,
    },
    /// Delete an entry for good.
    Delete {
        /// Entry id.
        id: String,
    },
    /// Find entries whose text or tags contain QUERY (any case).
    Search {
        /// What to look for; read as one line from standard input when left
        /// out (other programs on this machine can read arguments).
        query: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Link an entry to a warning sign of the crisis plan.
    Link {
        /// Entry id.
        id: String,
        /// The warning sign: its place in the plan's list of early warning
        /// signs (1 = first), or its id (see `haven plan show --json`).
        #[arg(long)]
        warning_sign: String,
    },
    /// Remove a link between an entry and a warning sign.
    Unlink {
        /// Entry id.
        id: String,
        /// The warning sign: its place in the plan's list of early warning
        /// signs (1 = first), or its id (see `haven plan show --json`).
        #[arg(long)]
        warning_sign: String,
    },
    /// The entries linked to a warning sign.
    Linked {
        /// The warning sign: its place in the plan's list of early warning
        /// signs (1 = first), or its id (see `haven plan show --json`).
        #[arg(long)]
        warning_sign: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// The warning signs an entry is linked to.
    Signs {
        /// Entry id.
        id: String,
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

/// `plan ...`
#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Show the active version (else the latest draft).
    Show(ShowArgs),
    /// Save a new version from a JSON or TOML file (creates the plan on first use).
    Edit {
        /// The file (`.json` or `.toml`). Sections left out are carried over
        /// from the latest version (on first use: empty, with region crisis
        /// lines). Without a file, the latest version opens in your editor
        /// on a private temporary file, removed afterwards.
        file: Option<PathBuf>,
        /// Region for the default crisis lines when the plan is created.
        #[arg(long, value_enum, default_value_t = RegionArg::Uk)]
        region: RegionArg,
        /// Delete FILE once it is saved: it holds the plan in plain text.
        #[arg(long, requires = "file")]
        remove_file: bool,
    },
    /// Every version, oldest first.
    History(ListArgs),
    /// What changed between two versions, section by section.
    Diff(DiffArgs),
    /// Sign a draft and make it the active plan.
    Sign(SignArgs),
    /// Withdraw a version (final; it stays readable in the history).
    Revoke(RevokeArgs),
    /// Set or clear the date the active plan should be reviewed by.
    ReviewDate(ReviewDateArgs),
    /// Print a starting file with every section.
    Template {
        /// Region for the default crisis lines.
        #[arg(long, value_enum, default_value_t = RegionArg::Uk)]
        region: RegionArg,
        /// File format (`markdown` prints the field reference).
        #[arg(long, value_enum, default_value_t = FileFormat::Toml)]
        format: FileFormat,
    },
    /// Export a version as a PDF, a one-page wallet crisis card, or FHIR R4 JSON.
    Export(ExportArgs),
    /// The offline crisis card as a signed QR code (SVG). It cannot be revoked.
    CardQr {
        /// Where to write the SVG.
        #[arg(long)]
        out: PathBuf,
        /// A viewer's address (a relay's, or the viewer on its own origin):
        /// the QR code then holds `URL/card#CARD`, which a phone's camera
        /// opens in a browser (the card rides in the fragment, never sent).
        /// Without it the QR code holds the card's text, for Haven apps.
        #[arg(long)]
        viewer: Option<String>,
        /// Print JSON (`out`, `text`, and `url` when `--viewer` is given).
        #[arg(long)]
        json: bool,
    },
}

/// `statement ...`
#[derive(Debug, Subcommand)]
pub enum StatementCommand {
    /// Show the active version (else the latest draft).
    Show(ShowArgs),
    /// Save a new version from a JSON or TOML file (creates the statement on first use).
    Edit {
        /// The file (`.json` or `.toml`). Sections left out are carried over
        /// from the latest version. Without a file, the latest version opens
        /// in your editor on a private temporary file, removed afterwards.
        file: Option<PathBuf>,
        /// Delete FILE once it is saved: it holds the statement in plain text.
        #[arg(long, requires = "file")]
        remove_file: bool,
    },
    /// Every version, oldest first.
    History(ListArgs),
    /// What changed between two versions, section by section.
    Diff(DiffArgs),
    /// Sign a draft (with its witness, if any) and make it the active statement.
    Sign(SignArgs),
    /// Withdraw a version (final; it stays readable in the history).
    Revoke(RevokeArgs),
    /// Set or clear the date the active statement should be reviewed by.
    ReviewDate(ReviewDateArgs),
    /// The witness attests a draft themselves, in your presence, before you
    /// sign it (run by the witness, with their own name and words).
    Witness(WitnessArgs),
    /// Record a clinician's consultation review from a JSON or TOML file.
    Review {
        /// The review file (see `docs/document-files.md`).
        #[arg(long)]
        file: PathBuf,
        /// The version reviewed (default: the active version, else the latest).
        #[arg(long)]
        version: Option<String>,
    },
    /// Record that a wish was not followed, who decided and why.
    Departure(DepartureArgs),
    /// The clinician response log: reviews and departures.
    Reviews(ListArgs),
    /// Print a starting file with every section.
    Template {
        /// File format (`markdown` prints the field reference).
        #[arg(long, value_enum, default_value_t = FileFormat::Toml)]
        format: FileFormat,
    },
    /// Export a version as a PDF (with sign-off, witness, reviews and departures) or FHIR R4 JSON.
    Export(ExportArgs),
}

/// `reviews ...`
#[derive(Debug, Subcommand)]
pub enum ReviewsCommand {
    /// Signed documents whose review date is near or past.
    Due {
        /// How many days ahead to look.
        #[arg(long, default_value_t = 30)]
        within: u32,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `backup ...`
#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// Write an encrypted backup of the whole vault to FILE (never overwrites).
    Create {
        /// The backup file to create.
        file: PathBuf,
    },
    /// Restore a backup into a new vault at PATH.
    Restore {
        /// The backup file.
        file: PathBuf,
        /// Where to create the restored vault (must not exist).
        #[arg(long = "to", value_name = "PATH")]
        to: PathBuf,
        /// Open it with the recovery key (from HAVEN_RECOVERY_KEY or a
        /// prompt) instead of the passphrase.
        #[arg(long)]
        recovery_key: bool,
    },
}

/// Options for `revoke`.
#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// The version to withdraw: a hash (or a unique prefix) or a version
    /// number. Required: revoking is final, so it is never guessed.
    #[arg(long)]
    pub version: String,
    /// Do not ask for confirmation (for scripts). Without it, `revoke` asks
    /// on a terminal and refuses when there is none to ask on.
    #[arg(long)]
    pub yes: bool,
    /// When you withdrew it (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<chrono::NaiveDate>,
    /// How you withdrew it (in Scotland: in writing, witnessed).
    #[arg(long, value_enum, default_value = "in-app")]
    pub how: HowArg,
    /// Anything to add (to whom you said it, where the written copy is).
    #[arg(long, value_name = "TEXT")]
    pub notes: Option<String>,
    /// Who witnessed the withdrawal (required in Scotland).
    #[arg(long, value_name = "NAME", requires = "witness_role")]
    pub witness_name: Option<String>,
    /// The witness's role ("GP", "solicitor", "mental health officer").
    #[arg(long, value_name = "ROLE", requires = "witness_name")]
    pub witness_role: Option<String>,
    /// The date the witness signed (default: the withdrawal's date).
    #[arg(long, value_name = "YYYY-MM-DD", requires = "witness_name")]
    pub witness_date: Option<chrono::NaiveDate>,
}

/// How a version was withdrawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HowArg {
    /// A signed, written withdrawal.
    InWriting,
    /// Said aloud.
    Spoken,
    /// Here, in Haven.
    InApp,
}

/// Options for `review-date`.
#[derive(Debug, Args)]
pub struct ReviewDateArgs {
    /// The new review date.
    #[arg(long, value_name = "YYYY-MM-DD", required_unless_present = "clear")]
    pub on: Option<chrono::NaiveDate>,
    /// Remove the review date instead.
    #[arg(long, conflicts_with = "on")]
    pub clear: bool,
}

/// Options for `show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A version hash (or a unique prefix, or a version number).
    #[arg(long)]
    pub version: Option<String>,
    /// Print JSON.
    #[arg(long, conflicts_with = "editable")]
    pub json: bool,
    /// Print the content as an editable file (for `edit`).
    #[arg(long)]
    pub editable: bool,
    /// Format of `--editable`.
    #[arg(long, value_enum, default_value_t = FileFormat::Toml, requires = "editable")]
    pub format: FileFormat,
}

/// Options for `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to make.
    #[arg(long, value_enum, default_value_t = ExportFormat::Pdf)]
    pub format: ExportFormat,
    /// Where to write it (never overwritten). The file is NOT encrypted.
    #[arg(long)]
    pub out: PathBuf,
    /// A version hash (or a unique prefix, or a version number); default:
    /// the active version, else the latest draft.
    #[arg(long)]
    pub version: Option<String>,
    /// Language of the labels Haven writes (headings, field names, dates):
    /// `en` or `cy` (Welsh). What you wrote is printed as you wrote it.
    #[arg(long, default_value = "en")]
    pub lang: String,
    /// A font file to use before this computer's fonts (repeatable), for a
    /// script the installed fonts do not cover.
    #[arg(long = "font")]
    pub fonts: Vec<PathBuf>,
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// The whole document as a PDF.
    Pdf,
    /// A one-page wallet-size crisis card (crisis plan only).
    Card,
    /// An HL7 FHIR R4 Bundle (JSON).
    Fhir,
}

/// `--json` alone.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Options for `diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older version (hash, unique prefix or number).
    pub from: String,
    /// The newer version (hash, unique prefix or number).
    pub to: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Options for `sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// Your name, as you sign.
    #[arg(long)]
    pub name: String,
    /// The date signed (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<chrono::NaiveDate>,
    /// Confirm you have capacity to make this document (required to sign an
    /// advance statement; a crisis plan can be signed without it).
    #[arg(long)]
    pub confirm_capacity: bool,
    /// Your statement of capacity, in your words.
    #[arg(long, value_name = "TEXT")]
    pub capacity: Option<String>,
    /// Any support you used (advocate, peer worker, easy read).
    #[arg(long, value_name = "TEXT")]
    pub support: Option<String>,
    /// The version to sign (default: the latest).
    #[arg(long)]
    pub version: Option<String>,
    /// Withdrawn: the witness attests for themselves (`statement witness`).
    /// Still parsed, so that giving them is refused with that explanation.
    #[arg(long, hide = true, num_args = 0..=1)]
    pub witness_name: Option<Option<String>>,
    /// Withdrawn (see `witness_name`).
    #[arg(long, hide = true, num_args = 0..=1)]
    pub witness_role: Option<Option<String>>,
    /// Withdrawn (see `witness_name`).
    #[arg(long, hide = true, num_args = 0..=1)]
    pub witness_statement: Option<Option<String>>,
    /// Withdrawn (see `witness_name`).
    #[arg(long, hide = true)]
    pub witness_confirms_understanding: bool,
    /// Withdrawn (see `witness_name`).
    #[arg(long, hide = true)]
    pub witness_confirms_no_undue_influence: bool,
}

impl SignArgs {
    /// Whether any of the withdrawn `--witness-*` flags was given.
    pub fn names_a_witness(&self) -> bool {
        self.witness_name.is_some()
            || self.witness_role.is_some()
            || self.witness_statement.is_some()
            || self.witness_confirms_understanding
            || self.witness_confirms_no_undue_influence
    }
}

/// Options for `statement witness`: run by the witness, in the maker's
/// presence, before the maker signs.
#[derive(Debug, Args)]
pub struct WitnessArgs {
    /// Your name (the witness's own).
    #[arg(long)]
    pub name: String,
    /// Your role ("advocate", "GP", "friend").
    #[arg(long)]
    pub role: String,
    /// Your statement, in your own words (or `--statement-file`).
    #[arg(long, value_name = "TEXT", conflicts_with = "statement_file")]
    pub statement: Option<String>,
    /// A file holding your statement.
    #[arg(long, value_name = "FILE")]
    pub statement_file: Option<PathBuf>,
    /// The date you witness (default: today; the maker signs the same day).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<chrono::NaiveDate>,
    /// You confirm the maker understood the statement.
    #[arg(long)]
    pub confirm_understanding: bool,
    /// You confirm the maker was under no undue influence.
    #[arg(long)]
    pub confirm_no_undue_influence: bool,
    /// The draft you witness (default: the latest).
    #[arg(long)]
    pub version: Option<String>,
}

/// Options for `statement departure`.
#[derive(Debug, Args)]
pub struct DepartureArgs {
    /// The section whose wish was not followed (e.g. `restrictive_interventions`).
    #[arg(long)]
    pub section: String,
    /// Who decided.
    #[arg(long = "by", value_name = "NAME")]
    pub by: String,
    /// Their role.
    #[arg(long)]
    pub role: String,
    /// Their organisation or team.
    #[arg(long)]
    pub organisation: Option<String>,
    /// Why the wish was not followed. Other programs on this machine can
    /// read arguments: prefer --reason-file or standard input (read when
    /// neither is given).
    #[arg(long)]
    pub reason: Option<String>,
    /// Read the reason from this file.
    #[arg(long, conflicts_with = "reason")]
    pub reason_file: Option<PathBuf>,
    /// Which wish, briefly.
    #[arg(long)]
    pub wish: Option<String>,
    /// When it happened (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<chrono::NaiveDate>,
    /// The time it happened, on this computer's clock (default: none, the
    /// date alone is recorded).
    #[arg(long, value_name = "HH:MM")]
    pub time: Option<chrono::NaiveTime>,
    /// Whether you were told (required: say yes or no).
    #[arg(long, value_enum)]
    pub told: YesNo,
    /// The legal authority used (required), e.g. "Mental Health Act 1983
    /// s.3, treatment under s.58", or "none".
    #[arg(long, value_name = "TEXT")]
    pub authority: String,
    /// Who gave a second opinion (required for a treatment refusal: this or
    /// --no-second-opinion).
    #[arg(long, value_name = "NAME", requires = "second_opinion_role")]
    pub second_opinion_by: Option<String>,
    /// The second-opinion clinician's role.
    #[arg(long, value_name = "ROLE", requires = "second_opinion_by")]
    pub second_opinion_role: Option<String>,
    /// Their organisation or team.
    #[arg(long, value_name = "TEXT", requires = "second_opinion_by")]
    pub second_opinion_organisation: Option<String>,
    /// No second opinion was obtained.
    #[arg(long, conflicts_with = "second_opinion_by")]
    pub no_second_opinion: bool,
    /// Someone else who was told (nominated or named person, Mental Welfare
    /// Commission, GP); repeat for each.
    #[arg(long = "also-told", value_name = "WHO")]
    pub also_told: Vec<String>,
    /// The version departed from (default: the active version, else the latest).
    #[arg(long)]
    pub version: Option<String>,
}

/// Yes or no.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum YesNo {
    /// Yes.
    Yes,
    /// No.
    No,
}

/// Region for default crisis lines.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RegionArg {
    /// United Kingdom: NHS 111 option 2, Samaritans, Shout, 999.
    Uk,
    /// United States: 988, 911.
    Us,
    /// Elsewhere: no default lines.
    Other,
}
