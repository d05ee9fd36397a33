use super::{Check, Hits, Kind, Loc, Place, Plant, Rule};
use crate::model::{self, Child};

pub static RULES: &[Rule] = &[];
