//! The Children in Need census as a file: what any system's census XML says ([`model`]),
//! read as a stream one child at a time ([`read`]), written back ([`write`]), and checked
//! by the DfE's validation rules ([`rules`]), natively and fast enough to run on every save;
//! Hearth's record as a census ([`from_hearth`]) and a previous system's census as Hearth's
//! records ([`to_hearth`]).
#![forbid(unsafe_code)]

pub mod agreement;
pub mod from_hearth;
pub mod model;
pub mod read;
pub mod readiness;
pub mod report;
pub mod rules;
pub mod to_hearth;
pub mod write;

pub use model::{CensusFile, Child, Header};
pub use read::{CensusReader, ReadError};
pub use rules::{Failure, Kind, Loc, Place, Rule, Validator};
