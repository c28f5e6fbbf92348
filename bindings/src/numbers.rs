//! Numbers cross the FFI signed: Kotlin's `Int` and Swift's `Int32` are what
//! app code holds, and unsigned types (`UInt`, `UByte`) need a conversion at
//! every call. The core counts in unsigned types, so a negative count from an
//! app is refused here with a typed error rather than wrapping around.

use haven_core::HavenError;

/// `n` as the core's unsigned count; negative is `InvalidInput` naming `what`.
pub(crate) fn count(n: i32, what: &str) -> Result<u32, HavenError> {
    u32::try_from(n).map_err(|_| HavenError::invalid(format!("{what} cannot be negative")))
}

/// A duration setting in whole units, at least `floor`: a negative or too
/// small value means "as short as allowed", as the docs of each setting say.
pub(crate) fn at_least(n: i32, floor: u64) -> u64 {
    u64::try_from(n).unwrap_or(0).max(floor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_counts_are_invalid_input_and_others_pass_through() {
        assert_eq!(count(50, "the page size").ok(), Some(50));
        assert!(matches!(
            count(-1, "the page size"),
            Err(HavenError::InvalidInput { reason }) if reason == "the page size cannot be negative"
        ));
        assert_eq!(at_least(-5, 20), 20);
        assert_eq!(at_least(250, 20), 250);
    }
}
