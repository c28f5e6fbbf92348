//! Where passphrases and recovery keys come from: an environment variable, a
//! file, or a no-echo prompt on a terminal. Never argv.

use std::io::IsTerminal;
use std::path::Path;

use zeroize::Zeroizing;

use crate::fail::Failure;

/// A secret from `var`, else `file` (first line), else a prompt when stdin
/// is a terminal. `confirm` asks twice (for new secrets).
pub fn obtain(
    var: &str,
    file: Option<&Path>,
    prompt: &str,
    confirm: bool,
) -> Result<Zeroizing<String>, Failure> {
    if let Ok(v) = std::env::var(var) {
        return Ok(Zeroizing::new(v));
    }
    if let Some(f) = file {
        let text = Zeroizing::new(std::fs::read_to_string(f).map_err(|e| {
            Failure::other(format!(
                "cannot read the passphrase file {}: {e}",
                f.display()
            ))
        })?);
        return Ok(Zeroizing::new(
            text.lines().next().unwrap_or_default().to_string(),
        ));
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::usage(format!(
            "no secret given: set {var}{} or run in a terminal to be asked",
            if var == "HAVEN_PASSPHRASE" {
                ", use --passphrase-file"
            } else {
                ""
            }
        )));
    }
    let first = Zeroizing::new(read(prompt)?);
    if confirm {
        let again = Zeroizing::new(read("Type it again: ")?);
        if *again != *first {
            return Err(Failure::usage("the two entries did not match".into()));
        }
    }
    Ok(first)
}

fn read(prompt: &str) -> Result<String, Failure> {
    rpassword::prompt_password(prompt)
        .map_err(|e| Failure::other(format!("cannot read from the terminal: {e}")))
}
