//! The server's one error type: an HTML page for the interface, with the app error's stable code.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use amparo_app::AppError;

/// An error answered to a browser.
#[derive(Debug)]
pub struct PageError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl PageError {
    /// A page for a server-side failure; the details go to the log, not the browser.
    pub fn internal(message: impl std::fmt::Display) -> Self {
        tracing::error!(error = %message, "request failed");
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal_error",
            message: "Something went wrong on the server; the error was logged".to_owned(),
        }
    }
}

impl From<AppError> for PageError {
    fn from(error: AppError) -> Self {
        let status = match &error {
            AppError::NotFound { .. } => StatusCode::NOT_FOUND,
            AppError::Invalid(_) | AppError::Malformed { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Forbidden { .. } => StatusCode::FORBIDDEN,
            AppError::BadCredentials => StatusCode::UNAUTHORIZED,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Store(_) | AppError::Blob(_) | AppError::Io { .. } => {
                return Self::internal(error);
            }
            _ => StatusCode::BAD_REQUEST,
        };
        Self {
            status,
            code: error.code(),
            message: error.to_string(),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let body = format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Error — Amparo</title>\
             <link rel=\"stylesheet\" href=\"/static/amparo.css\"></head><body><main><h1>Error</h1>\
             <p>{}</p><p class=\"code\">{}</p><p><a href=\"/\">Back</a></p></main></body></html>",
            html_escape(&self.message),
            self.code
        );
        (self.status, Html(body)).into_response()
    }
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
