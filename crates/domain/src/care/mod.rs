//! Children in care (issue 17): the DfE's code lists for children looked after, UK
//! postcodes, and periods of care with the episodes the SSDA903 return counts, derived from
//! what the worker records.
pub mod codes;
pub mod episodes;
pub mod postcode;
