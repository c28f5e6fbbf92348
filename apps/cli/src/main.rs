//! `haven`: the vault and journal from a terminal. See `haven --help`.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod args;
mod backup;
mod compose;
#[cfg(any(test, fuzzing))]
mod document_file_fuzz;
mod documents;
mod documents_io;
mod epoch;
mod export;
mod fail;
mod file_format;
mod journal;
mod keys;
mod links;
mod output;
mod plan;
mod reviews;
mod secrets;
mod share;
mod statement;
mod tour;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use haven_core::{Silent, Vault};

use args::{BackupCommand, Cli, Command, PassphraseCommand, ReviewsCommand};
use fail::Failure;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            let msg = f.message.trim_end_matches('.');
            eprintln!("haven: {msg}.");
            ExitCode::from(f.code)
        }
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    let file = cli.passphrase_file.as_deref();
    let accept = cli.accept_rollback;
    match cli.command {
        Command::Tour { dir } => tour::run(dir.as_deref()),
        Command::Init(a) => keys::init(&vault_path(cli.vault)?, file, &a),
        Command::Recover => keys::recover(&vault_path(cli.vault)?, accept),
        Command::Passphrase(PassphraseCommand::Change { kdf, rotate: false }) => {
            keys::change(&unlocked(cli.vault, file, accept)?, &kdf)
        }
        Command::Passphrase(PassphraseCommand::Change { kdf, rotate: true })
        | Command::Rekey { kdf } => keys::rekey(&unlocked(cli.vault, file, accept)?, &kdf),
        Command::Verify => keys::verify(&unlocked(cli.vault, file, accept)?),
        Command::Journal(cmd) => journal::run(&unlocked(cli.vault, file, accept)?, cmd),
        Command::Plan(cmd) => plan::run(cmd, || unlocked(cli.vault, file, accept)),
        Command::Statement(cmd) => statement::run(cmd, || unlocked(cli.vault, file, accept)),
        Command::Share(cmd) => share::run(cmd, || unlocked(cli.vault, file, accept)),
        Command::Reviews(ReviewsCommand::Due { within, json }) => {
            reviews::due(&unlocked(cli.vault, file, accept)?, within, json)
        }
        Command::Backup(BackupCommand::Create { file: out }) => {
            backup::create(&unlocked(cli.vault, file, accept)?, &out)
        }
        Command::Backup(BackupCommand::Restore {
            file: backup_file,
            to,
            recovery_key,
        }) => backup::restore(&backup_file, &to, file, recovery_key),
    }
}

fn vault_path(p: Option<PathBuf>) -> Result<PathBuf, Failure> {
    p.ok_or_else(|| Failure::usage("no vault given: use --vault PATH or set HAVEN_VAULT".into()))
}

/// Opens the vault and unlocks it with the passphrase.
fn unlocked(path: Option<PathBuf>, file: Option<&Path>, accept: bool) -> Result<Vault, Failure> {
    let path = vault_path(path)?;
    let vault = opened(&path, accept)?;
    let pass = secrets::obtain("HAVEN_PASSPHRASE", file, "Passphrase: ", false)?;
    vault.unlock_with_passphrase(&pass, &Silent)?;
    Ok(vault)
}

/// Opens the vault, locked, with its epoch state file beside it (a vault
/// file older than the epoch held there is refused unless `accept`).
pub fn opened(path: &Path, accept: bool) -> Result<Vault, Failure> {
    let vault = Vault::open(path)?;
    vault.set_epoch_store(std::sync::Arc::new(epoch::StateFile::beside(path)))?;
    if accept {
        vault.accept_rollback();
    }
    Ok(vault)
}
