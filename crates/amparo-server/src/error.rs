//! The server's error page: HTML in the page's language, with the app error's stable code.

use amparo_app::AppError;
use amparo_model::Lang;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::i18n::I18n;

/// An error answered to a browser.
#[derive(Debug)]
pub struct PageError {
    status: StatusCode,
    code: &'static str,
    message: Option<String>,
    lang: Lang,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    i: I18n,
    title: &'a str,
    message: &'a str,
    code: &'a str,
}

impl PageError {
    /// A page for a server-side failure; the details go to the log, not the browser.
    pub fn internal(message: impl std::fmt::Display) -> Self {
        tracing::error!(error = %message, "request failed");
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal_error",
            message: None,
            lang: Lang::En,
        }
    }

    /// A form whose CSRF token is missing or wrong.
    pub fn csrf(lang: Lang) -> Self {
        Self {
            status: StatusCode::FORBIDDEN,
            code: "csrf_failed",
            message: Some(I18n::new(lang).t("error.csrf").to_owned()),
            lang,
        }
    }

    /// A page or record that does not exist.
    pub fn not_found(lang: Lang) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            code: "not_found",
            message: Some(I18n::new(lang).t("error.not_found").to_owned()),
            lang,
        }
    }

    /// The same error, shown in `lang`.
    pub fn in_lang(self, lang: Lang) -> Self {
        Self { lang, ..self }
    }
}

impl From<AppError> for PageError {
    fn from(error: AppError) -> Self {
        let status = match &error {
            AppError::NotFound { .. } | AppError::NoSuchFeed(_) => StatusCode::NOT_FOUND,
            AppError::Invalid(_) | AppError::Malformed { .. } | AppError::InvalidFeedUrl { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            AppError::DuplicateFeed { .. } => StatusCode::CONFLICT,
            AppError::Forbidden { .. } => StatusCode::FORBIDDEN,
            AppError::BadCredentials => StatusCode::UNAUTHORIZED,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Store(_)
            | AppError::Blob(_)
            | AppError::Io { .. }
            | AppError::PasswordHash(_)
            | AppError::SearchIndex(_) => {
                return Self::internal(error);
            }
            _ => StatusCode::BAD_REQUEST,
        };
        Self {
            status,
            code: error.code(),
            message: Some(error.to_string()),
            lang: Lang::En,
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let i = I18n::new(self.lang);
        let title = if self.status == StatusCode::NOT_FOUND {
            i.t("error.not_found")
        } else {
            i.t("error.title")
        };
        let message = self
            .message
            .unwrap_or_else(|| i.t("error.internal").to_owned());
        let page = ErrorPage {
            i,
            title,
            message: &message,
            code: self.code,
        };
        match page.render() {
            Ok(html) => (self.status, Html(html)).into_response(),
            Err(_) => (self.status, self.code).into_response(),
        }
    }
}
