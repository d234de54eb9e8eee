//! Segments a scored customer falls in.

use serde::Serialize;

/// A segment the customer matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentMatch {
    /// The segment's id.
    pub id: String,
}
