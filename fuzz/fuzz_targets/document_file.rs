//! Fuzz target `document_file`: the CLI's reader of JSON and TOML document
//! files (`apps/cli/src/document_file_fuzz.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| haven_fuzz::run_document_file(data));
