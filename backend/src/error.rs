//! The backend's one error type: an expected, typed API error for the caller, or an unexpected
//! internal failure whose details are logged and never sent.

use elevate_shared::api::{ApiError, ErrorCode};
use elevate_shared::ids::IdError;

#[derive(Debug, thiserror::Error)]
pub(crate) enum AppError {
    /// The caller's request cannot be done; the message is safe to show.
    #[error("{0}")]
    Api(ApiError),
    /// Something broke on our side; the text is for the log only.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn api(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Api(ApiError::new(code, message))
    }

    pub fn internal(detail: impl Into<String>) -> Self {
        Self::Internal(detail.into())
    }

    /// What the caller sees: internal details are replaced by a generic message.
    pub fn to_wire(&self) -> ApiError {
        match self {
            Self::Api(e) => e.clone(),
            Self::Internal(_) => ApiError::new(ErrorCode::Internal, "Something went wrong on our side."),
        }
    }
}

impl From<IdError> for AppError {
    fn from(e: IdError) -> Self {
        Self::api(ErrorCode::BadRequest, e.to_string())
    }
}

impl From<ApiError> for AppError {
    fn from(e: ApiError) -> Self {
        Self::Api(e)
    }
}
