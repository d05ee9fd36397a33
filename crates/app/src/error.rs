use hearth_domain::FieldErrors;
use hearth_store::StoreError;

/// What a use case can answer instead of its result. The web layer turns each into a page
/// or a problem+json body; none of them is a panic.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Unknown, or not visible to this user: the two are never told apart.
    #[error("not found")]
    NotFound,
    /// The user's role does not allow the action (not about a particular record).
    #[error("you do not have permission to do that")]
    Forbidden,
    #[error("the details are not valid: {0}")]
    Invalid(FieldErrors),
    /// Someone else saved first; `current` is the version now stored.
    #[error("someone else changed this record (now version {current})")]
    Conflict { current: i64 },
    #[error("the username or password is not correct")]
    BadCredentials,
    #[error("this account is locked after repeated failed sign-ins; try again later")]
    Locked,
    #[error("the security code is not correct")]
    BadCode,
    /// A file given to a use case (an import) cannot be used: the message says why.
    #[error("{0}")]
    File(String),
    #[error("{0}")]
    Store(StoreError),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict { current } => AppError::Conflict { current },
            StoreError::NotFound => AppError::NotFound,
            other => AppError::Store(other),
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        AppError::Invalid(e)
    }
}

impl AppError {
    pub fn invalid(field: &str, message: &str) -> Self {
        let mut e = FieldErrors::new();
        e.add(field, message);
        AppError::Invalid(e)
    }
}
