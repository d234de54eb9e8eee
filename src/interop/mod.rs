//! Between the core and JavaScript, apart from the `#[wasm_bindgen]` binding
//! itself (so that it is built, tested and fuzzed natively): the result layout
//! read back into objects ([`result`]), and the JSON text of the fitting
//! module's results.

#[cfg(feature = "fit")]
pub mod json_text;
pub mod result;
