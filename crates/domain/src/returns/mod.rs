//! Statutory returns built from the record (issue 6): the Children in Need census.
pub mod cin;
