//! # crmscore
//!
//! Scores a customer from their order history and survey answers, in the
//! browser or at the edge, following the customer-relationship model of
//! `docs/domain.md` (its sections are cited as `domain.md §n`):
//!
//! - **value** ([`value`]): recency, frequency, monetary, average order value,
//!   tenure, order rate, margin, historic and projected lifetime value, ABC
//!   class (Pareto) and RFM scores;
//! - **satisfaction** ([`satisfaction`]): gap (perception − expectation) and
//!   ratio (perception ÷ expectation) forms, degree, NPS, behavioural signals
//!   and word of mouth;
//! - **loyalty** ([`loyalty`]): stage, type by cause, lifecycle phase.
//!
//! Input is validated once at the boundary ([`customer`], [`config`]) into
//! types that cannot hold invalid states; every mistake is an [`Error`] with
//! a stable code and the path of the offending field.
//!
//! ```
//! use crmscore::{Scorer, json::Json, time::parse_instant};
//! let config: Json = serde_json::from_str(r#"{"abc": {"a": 1000, "b": 200}}"#).unwrap();
//! let scorer = Scorer::new(&config).unwrap();
//! let customer: Json = serde_json::from_str(r#"{
//!     "id": "c1",
//!     "orders": [{"at": "2026-06-01", "amount": 120}, {"at": "2026-11-12", "amount": 180}],
//!     "survey": {"expectation": {"service": 4}, "perception": {"service": 5}, "nps": 9}
//! }"#).unwrap();
//! let r = scorer.score(&customer, parse_instant("2026-11-22").unwrap()).unwrap();
//! assert_eq!(r.value.frequency, 2);
//! assert_eq!(r.value.abc, Some(crmscore::value::AbcClass::B));
//! assert_eq!(r.satisfaction.gap, Some(1.0));
//! assert_eq!(r.loyalty.stage, crmscore::loyalty::Stage::Regular);
//! ```
//!
//! The WebAssembly binding (`src/wasm/`, only on `wasm32`) converts
//! JavaScript values to and from these types and nothing else.

#![warn(missing_docs)]

pub mod columnar;
pub mod batch;
pub mod config;
pub mod csv;
pub mod customer;
pub mod error;
pub mod fit;
pub mod json;
pub mod json_text;
pub mod loyalty;
pub mod map;
pub mod predict;
pub mod rules;
pub mod satisfaction;
pub mod score;
pub mod segment;
pub mod sort;
pub mod tape;
pub mod time;
pub mod value;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use error::{Error, ErrorCode, Result};
pub use score::{ScoreOptions, ScoreResult, Scorer};

/// Serializes enums as their `as_str()` name, so results and rules share one spelling.
macro_rules! serialize_as_str {
    ($($t:ty),*) => {$(
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    )*};
}

serialize_as_str!(
    value::AbcClass,
    satisfaction::Level,
    satisfaction::NpsCategory,
    satisfaction::Zone,
    loyalty::Stage,
    loyalty::LoyaltyType,
    loyalty::Lifecycle
);
