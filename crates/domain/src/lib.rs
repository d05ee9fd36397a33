//! Pure types and rules of Hearth. Nothing here does I/O or is async, so every rule can be
//! tested on its own, without a database.
#![forbid(unsafe_code)]

pub mod access;
pub mod audit;
pub mod audit_words;
pub mod calendar;
pub mod care;
pub mod case_note;
pub mod case_summary;
pub mod cin;
pub mod chronology;
pub mod codes;
pub mod duplicates;
pub mod front_door;
pub mod history;
pub mod ids;
pub mod identifiers;
pub mod local_time;
pub mod person;
pub mod policy;
pub mod relationship;
pub mod returns;
pub mod search;
pub mod services;
pub mod user;
pub mod validation;

pub use ids::*;
pub use validation::{FieldError, FieldErrors};
