//! # crmscore
//!
//! Scores a customer from their order history and survey answers, in the
//! browser or at the edge, following the customer-relationship model of
//! `docs/domain.md` (its sections are cited as `domain.md §n`):
//!
//! - **value** ([`scoring::value`]): recency, frequency, monetary, average
//!   order value, tenure, order rate, margin, historic and projected lifetime
//!   value, ABC class (Pareto) and RFM scores;
//! - **satisfaction** ([`scoring::satisfaction`]): gap (perception −
//!   expectation) and ratio (perception ÷ expectation) forms, degree, NPS,
//!   behavioural signals and word of mouth;
//! - **loyalty** ([`scoring::loyalty`]): stage, type by cause, lifecycle phase;
//! - **segments** ([`scoring::segments`]), each a rule in a CEL subset
//!   ([`rules`]) with a goal and actions;
//! - **predictions** from a population [`model`] fitted once ([`fit`]).
//!
//! The layers, each using only those before it (`docs/architecture.md`):
//! [`error`] → [`input`] (the one input format, validation, config, time) →
//! [`rules`] (the rule language) → [`model`] (the model format and one
//! customer's predictions) → [`scoring`] → [`fit`] (estimation, behind the
//! `fit` feature) → [`interop`] → `wasm` (the `#[wasm_bindgen]` binding,
//! only on `wasm32`: each export converts, calls the core, converts back).
//!
//! Input is validated once at the boundary ([`input`]) into types that cannot
//! hold invalid states; every mistake is an [`Error`] with a stable code and
//! the path of the offending field.
//!
//! ```
//! use crmscore::{Scorer, input::{json::Json, time::parse_instant}};
//! use crmscore::scoring::{loyalty::Stage, value::AbcClass};
//! let config = Json::parse(r#"{"abc": {"a": 1000, "b": 200}}"#).unwrap();
//! let scorer = Scorer::new(&config).unwrap();
//! let customer = Json::parse(r#"{
//!     "id": "c1",
//!     "orders": [{"at": "2026-06-01", "amount": 120}, {"at": "2026-11-12", "amount": 180}],
//!     "survey": {"expectation": {"service": 4}, "perception": {"service": 5}, "nps": 9}
//! }"#).unwrap();
//! let r = scorer.score(&customer, parse_instant("2026-11-22").unwrap()).unwrap();
//! assert_eq!(r.value.frequency, 2);
//! assert_eq!(r.value.abc, Some(AbcClass::B));
//! assert_eq!(r.satisfaction.gap, Some(1.0));
//! assert_eq!(r.loyalty.stage, Stage::Regular);
//! ```

#![warn(missing_docs)]

/// Declares an enum whose variants have fixed names (results and rules spell
/// them alike): `NAMES` lists them in variant order, so a result can give a
/// variant by its index.
macro_rules! named_enum {
    ($(#[$m:meta])* pub enum $name:ident { $($(#[$vm:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vm])* $variant,)*
        }

        impl $name {
            /// Every name, in the order of the variants.
            pub const NAMES: &'static [&'static str] = &[$($text),*];

            /// The name used in results and rules.
            pub fn as_str(self) -> &'static str {
                Self::NAMES[self as usize]
            }

            /// The index of the variant in [`Self::NAMES`].
            pub fn code(self) -> u8 {
                self as u8
            }
        }
    };
}

pub mod error;
#[cfg(feature = "fit")]
pub mod fit;
pub mod input;
pub mod interop;
pub mod model;
pub mod rules;
pub mod scoring;
pub mod sort;
mod text;

#[cfg(target_arch = "wasm32")]
mod wasm;

/// Checks a file the crate generates (`path` from the repository's root) against `want`,
/// after writing it when `CRMSCORE_WRITE` is set; `what` says what it is generated from and
/// the test that regenerates it.
#[cfg(test)]
pub(crate) fn assert_generated(path: &str, want: &str, what: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    if std::env::var_os("CRMSCORE_WRITE").is_some() {
        std::fs::write(&path, want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(have == want, "{} is not {what}", path.display());
}

pub use error::{Error, ErrorCode, Result};
pub use scoring::{ScoreOptions, ScoreResult, Scorer};
