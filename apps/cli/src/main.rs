//! `haven`: the vault and journal from a terminal. See `haven --help`.

mod args;
mod backup;
#[cfg(any(test, fuzzing))]
mod document_file_fuzz;
mod documents;
mod documents_io;
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
    match cli.command {
        Command::Tour { dir } => tour::run(dir.as_deref()),
        Command::Init(a) => keys::init(&vault_path(cli.vault)?, file, &a),
        Command::Recover => keys::recover(&vault_path(cli.vault)?),
        Command::Passphrase(PassphraseCommand::Change) => keys::change(&unlocked(cli.vault, file)?),
        Command::Verify => keys::verify(&unlocked(cli.vault, file)?),
        Command::Journal(cmd) => journal::run(&unlocked(cli.vault, file)?, cmd),
        Command::Plan(cmd) => plan::run(cmd, || unlocked(cli.vault, file)),
        Command::Statement(cmd) => statement::run(cmd, || unlocked(cli.vault, file)),
        Command::Share(cmd) => share::run(cmd, || unlocked(cli.vault, file)),
        Command::Reviews(ReviewsCommand::Due { within, json }) => {
            reviews::due(&unlocked(cli.vault, file)?, within, json)
        }
        Command::Backup(BackupCommand::Create { file: out }) => {
            backup::create(&unlocked(cli.vault, file)?, &out)
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
fn unlocked(path: Option<PathBuf>, file: Option<&Path>) -> Result<Vault, Failure> {
    let path = vault_path(path)?;
    let vault = Vault::open(&path)?;
    let pass = secrets::obtain("HAVEN_PASSPHRASE", file, "Passphrase: ", false)?;
    vault.unlock_with_passphrase(&pass, &Silent)?;
    Ok(vault)
}
