//! Fuzz target `sync_log`: the check of the same name in `haven_core::fuzzing`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| haven_fuzz::run_core("sync_log", data));
