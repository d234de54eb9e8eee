//! Everything a caller gives, read and validated once: the tape every
//! JavaScript value arrives as ([`tape`]), the loose [`json`] value and its
//! validating readers, the [`customer`] and instants ([`time`], the one
//! calendar), and the numbers of rule text ([`decimal`]). The scorer's
//! configuration, which also names rule limits and the model, is read by
//! `crate::scoring::config` with these readers.

pub mod customer;
pub mod decimal;
pub mod json;
pub mod tape;
pub mod time;
