//! The API's one error type: `{"error": {"code", "message", "field"}}` with a stable code and the
//! HTTP status that goes with it (the table is in `docs/api-errors.md`).

use amparo_app::AppError;
use axum::Json;
use axum::extract::multipart::MultipartError;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error answered to an API client.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    field: Option<String>,
    /// Seconds to wait before trying again, sent as `Retry-After`.
    retry_after: Option<u64>,
}

impl ApiError {
    /// An error with the given status, stable code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            field: None,
            retry_after: None,
        }
    }

    /// The same error, naming the field (or parameter) at fault.
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// No credentials, or credentials that are wrong, revoked or of a disabled user.
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "sign in, or send an API token as `Authorization: Bearer <token>` (made by `amparo token create`)",
        )
    }

    /// A session-authenticated request that changes something came without the CSRF token.
    pub fn csrf_failed() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "csrf_failed",
            "send the session's CSRF token in the X-CSRF-Token header, or use an API token",
        )
    }

    /// The API token lacks the scope this route needs.
    pub fn insufficient_scope(required: amparo_app::Scope, method: &str, path: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "insufficient_scope",
            format!(
                "this API token lacks the `{required}` scope that {method} {path} needs; make a token with it (`amparo token create USER --scope {required}`)"
            ),
        )
    }

    /// Too many failed attempts from this client address; try again after `wait`.
    pub fn too_many_attempts(wait: std::time::Duration) -> Self {
        let seconds = crate::session::wait_seconds(wait);
        Self {
            retry_after: Some(seconds),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                format!(
                    "too many failed attempts from this address; try again in {seconds} seconds"
                ),
            )
        }
    }

    /// Nothing is at this path.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// The path itself is unusable (`..`, an id that is not a UUID).
    pub fn invalid_path(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_path", message)
    }

    /// The body is larger than the server accepts.
    pub fn payload_too_large(limit: u64) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!(
                "the request body is larger than the limit of {limit} bytes; nothing was stored"
            ),
        )
    }

    /// A failure the client cannot fix; the details go to the log only.
    pub fn internal(error: impl std::fmt::Display, code: &'static str) -> Self {
        tracing::error!(error = %error, error.code = code, "API request failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            code,
            "something went wrong on the server; the error was logged",
        )
    }

    /// The message, for a page that shows the same failure.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        self.code
    }
}

/// The field named in a serde message such as "unknown field `nickname`, expected one of …".
fn field_in_message(message: &str) -> Option<String> {
    for marker in ["unknown field `", "missing field `", "duplicate field `"] {
        if let Some(start) = message.find(marker) {
            let rest = &message[start + marker.len()..];
            return rest.split('`').next().map(str::to_owned);
        }
    }
    None
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        let code = error.code();
        let (status, field) = match &error {
            AppError::NotFound { .. } | AppError::NoSuchFeed(_) => (StatusCode::NOT_FOUND, None),
            AppError::DuplicateFeed { .. } => (StatusCode::CONFLICT, None),
            AppError::InvalidFeedUrl { .. } => {
                (StatusCode::UNPROCESSABLE_ENTITY, Some("url".to_owned()))
            }
            AppError::Invalid(errors) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                errors.errors.first().map(|first| first.field.clone()),
            ),
            AppError::Malformed { message, .. } => {
                (StatusCode::UNPROCESSABLE_ENTITY, field_in_message(message))
            }
            AppError::InvalidQuery { parameter, .. } => {
                (StatusCode::BAD_REQUEST, Some(parameter.clone()))
            }
            AppError::Forbidden { .. } => (StatusCode::FORBIDDEN, None),
            AppError::BadCredentials => return Self::unauthorized(),
            AppError::Conflict(_) => (StatusCode::CONFLICT, None),
            AppError::NotAllowed(_) => (StatusCode::CONFLICT, None),
            AppError::TooLarge { limit, .. } => return Self::payload_too_large(*limit),
            AppError::Fetch { .. } => (StatusCode::BAD_GATEWAY, None),
            AppError::Blob(_)
            | AppError::Store(_)
            | AppError::Io { .. }
            | AppError::Config { .. }
            | AppError::Setting { .. }
            | AppError::Installation(_)
            | AppError::Import { .. }
            | AppError::PasswordHash(_)
            | AppError::SearchIndex(_) => return Self::internal(&error, code),
        };
        Self {
            status,
            code,
            message: error.to_string(),
            field,
            retry_after: None,
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => Self::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as JSON with `Content-Type: application/json`",
            ),
            JsonRejection::JsonDataError(error) => {
                let message = error.body_text();
                let field = field_in_message(&message);
                let code = if message.contains("unknown field `") {
                    "unknown_field"
                } else {
                    "bad_json"
                };
                let error = Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message);
                match field {
                    Some(field) => error.with_field(field),
                    None => error,
                }
            }
            JsonRejection::JsonSyntaxError(error) => Self::new(
                StatusCode::BAD_REQUEST,
                "bad_json",
                format!("the body is not valid JSON: {}", error.body_text()),
            ),
            JsonRejection::BytesRejection(error)
                if error.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                Self::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    "the JSON body is too large",
                )
            }
            other => Self::new(StatusCode::BAD_REQUEST, "bad_json", other.body_text()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        let message = rejection.body_text();
        // "Failed to deserialize query string: limit: invalid digit found in string"
        let parts: Vec<&str> = message.splitn(3, ": ").collect();
        let field = field_in_message(&message).or_else(|| {
            parts
                .get(1)
                .filter(|name| {
                    parts.len() == 3 && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                })
                .map(|name| (*name).to_owned())
        });
        let error = Self::new(StatusCode::BAD_REQUEST, "invalid_query", message);
        match field {
            Some(field) => error.with_field(field),
            None => error,
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        Self::invalid_path(rejection.body_text())
    }
}

impl From<MultipartError> for ApiError {
    fn from(error: MultipartError) -> Self {
        if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return Self::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                error.body_text(),
            );
        }
        Self::new(StatusCode::BAD_REQUEST, "bad_multipart", error.body_text())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "error": {
                "code": self.code,
                "message": self.message,
                "field": self.field,
            }
        });
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"amparo\""),
            );
        }
        response
    }
}
