//! The workspace's uniffi-bindgen: generates the Kotlin and Swift bindings.

fn main() {
    uniffi::uniffi_bindgen_main()
}
