//! `Debug` that shows no field, for every type holding what the person wrote.
//! A leaf module, so the plain types can use it without importing storage.

/// Implements `Debug` without showing any field: these types hold what the
/// person wrote, and `Debug` output ends up in logs and test failures.
macro_rules! redacted_debug {
    ($($t:ident),* $(,)?) => {$(
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($t), " { <redacted> }"))
            }
        }
    )*};
}
pub(crate) use redacted_debug;
