//! Every public method of core's `Vault` is reachable from the apps: this
//! reads core's sources for `pub fn` inside `impl Vault` blocks and the
//! bindings' sources for calls on the core vault, and fails naming any
//! method that has neither a binding nor an entry in `ALLOWED` (with the
//! reason it is not bound). A new core call therefore fails here until it
//! is bound or explained.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// Core methods deliberately not bound one-to-one, and why.
const ALLOWED: &[(&str, &str)] = &[
    ("add_device_key", "apps never see raw device keys: enable_device_unlock makes one and hands it to the KeyStore"),
    ("create", "bound as create_vault(_async) through create_progress"),
    ("change_passphrase", "bound as change_passphrase(_async)(new_passphrase, kdf = null) through change_passphrase_with_kdf (the default cost when none is given)"),
    ("reviews_due", "bound as reviews_due(within_days) through reviews_due_now (the device's today)"),
    ("watch_changes", "bound as observe(listener) -> TaskHandle"),
    ("path", "the app chose the path; it has it"),
    ("export_document", "bound as the per-kind PDF calls and fhir_bundle"),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Names of `pub fn`s inside `impl Vault {` blocks (indented four spaces,
/// as rustfmt leaves them), up to the block's closing `}` at column 0.
fn core_vault_methods(root: &Path) -> BTreeSet<String> {
    let mut files = Vec::new();
    rust_files(&root.join("core/src"), &mut files);
    let mut names = BTreeSet::new();
    for f in files {
        let text = fs::read_to_string(&f).unwrap();
        let mut inside = false;
        for line in text.lines() {
            if line.starts_with("impl Vault {") {
                inside = true;
            } else if inside && line.starts_with('}') {
                inside = false;
            } else if inside {
                if let Some(rest) = line.strip_prefix("    pub fn ") {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    names.insert(name);
                }
            }
        }
    }
    names
}

/// The bindings' library sources (not `src/bin`, whose baseline calls the
/// core directly), with all whitespace removed so calls split over lines
/// read as `vault.name(`.
fn bound_calls(root: &Path) -> String {
    let mut files = Vec::new();
    rust_files(&root.join("bindings/src"), &mut files);
    files
        .iter()
        .filter(|f| !f.components().any(|c| c.as_os_str() == "bin"))
        .map(|f| fs::read_to_string(f).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
        .split_whitespace()
        .collect::<String>()
}

#[test]
fn every_public_vault_method_has_a_binding_or_a_reason() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let methods = core_vault_methods(root);
    assert!(
        methods.len() > 40 && methods.contains("add_entry") && methods.contains("sign_version"),
        "the scan of core/src found too few methods: {methods:?}"
    );
    let calls = bound_calls(root);
    let allowed: BTreeSet<&str> = ALLOWED.iter().map(|(n, _)| *n).collect();
    let missing: Vec<&String> = methods
        .iter()
        .filter(|m| {
            !allowed.contains(m.as_str())
                && !calls.contains(&format!("vault.{m}("))
                && !calls.contains(&format!("Vault::{m}("))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "core Vault methods with no binding (bind them in bindings/src, or add them to ALLOWED in bindings/tests/coverage.rs with a reason): {missing:?}"
    );
    let stale: Vec<&&str> = allowed.iter().filter(|a| !methods.contains(**a)).collect();
    assert!(
        stale.is_empty(),
        "ALLOWED names methods core no longer has: {stale:?}"
    );
}

/// Issue 9: the KDF floor is for tests only. Apps get no call that hands it
/// out (they build `KdfParams` themselves, checked against the floor), and
/// core names it for what it is.
#[test]
fn the_kdf_floor_is_not_offered_to_apps() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for generated in [
        "bindings/kotlin/src/main/kotlin/app/haven/haven_ffi.kt",
        "bindings/swift/Sources/Haven/Haven.swift",
    ] {
        let text = fs::read_to_string(root.join(generated)).unwrap();
        assert!(text.len() > 10_000, "{generated} looks empty");
        for name in ["minimum_kdf_params", "minimumKdfParams"] {
            assert!(!text.contains(name), "{generated} offers {name}");
        }
    }
    let kdf = fs::read_to_string(root.join("core/src/crypto/kdf.rs")).unwrap();
    assert!(kdf.contains("pub fn minimum_for_tests() -> Self"));
    assert!(!kdf.contains("pub fn minimum() -> Self"));
}
