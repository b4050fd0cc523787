//! Infrastructure failures (D1, R2, bindings) become a logged 500 whose cause the caller never
//! sees; the request id ties the two together.

use domain::AppError;

pub trait OrInternal<T> {
    /// Maps any error to `AppError::internal()`, logging `what` failed and why.
    fn or_internal(self, what: &str) -> Result<T, AppError>;
}

impl<T, E: std::fmt::Display> OrInternal<T> for Result<T, E> {
    fn or_internal(self, what: &str) -> Result<T, AppError> {
        self.map_err(|error| {
            crate::context::log_line("error", what, &serde_json::json!({ "cause": error.to_string() }));
            AppError::internal()
        })
    }
}
