//! Infrastructure failures (D1, R2, bindings) become a 500 whose cause the caller never sees;
//! `respond::error` logs the cause under the request's id.

use domain::AppError;

pub trait OrInternal<T> {
    /// Maps any error to `AppError::internal()`, keeping `what` failed and why for the log.
    fn or_internal(self, what: &str) -> Result<T, AppError>;
}

impl<T, E: std::fmt::Display> OrInternal<T> for Result<T, E> {
    fn or_internal(self, what: &str) -> Result<T, AppError> {
        self.map_err(|error| AppError::internal().caused_by(what, error))
    }
}
