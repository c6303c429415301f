//! What API handlers extract from a request: the authenticated actor (bearer token, or a
//! session with its CSRF token for changes), and JSON, query and path values whose rejections
//! are answered as [`ApiError`]s instead of axum's plain text.

use amparo_app::{Actor, AppError};
use axum::extract::{FromRequest, FromRequestParts, MatchedPath, Path, Query, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::api::error::ApiError;
use crate::api::required_scope;
use crate::session::{ClientAddress, current_session, same_secret};

/// The header a session-authenticated client sends its CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The actor of an API request.
///
/// An `Authorization: Bearer <token>` header is checked against the API tokens, and the token
/// must have the scope the route needs ([`required_scope`]); without one, a signed-in session
/// cookie is accepted, and then a request that changes something (anything but GET, HEAD,
/// OPTIONS and TRACE) must carry the session's CSRF token in `X-CSRF-Token`. Bearer requests
/// need no CSRF token: a browser never adds that header by itself. A client address that sent
/// too many unknown tokens is answered 429 until it has waited.
#[derive(Debug)]
pub struct ApiActor(pub Actor);

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let trusted = &state.app.settings().server.trusted_proxies;
            let ClientAddress(address) = ClientAddress::of(parts, trusted);
            let wait = state.sessions.wait_for(None, address);
            if !wait.is_zero() {
                return Err(ApiError::too_many_attempts(wait));
            }
            let secret = value
                .to_str()
                .ok()
                .and_then(|value| value.split_once(' '))
                .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                .map(|(_, secret)| secret.trim())
                .ok_or_else(ApiError::unauthorized)?;
            let token = match state.app.authenticate_scoped_token(secret).await {
                Ok(token) => token,
                Err(AppError::BadCredentials) => {
                    state.sessions.record_failure(None, address);
                    tracing::warn!(client.address = ?address, "API request with an unknown, revoked or expired token");
                    return Err(ApiError::unauthorized());
                }
                Err(other) => return Err(other.into()),
            };
            let path = parts
                .extensions
                .get::<MatchedPath>()
                .map_or_else(|| parts.uri.path(), MatchedPath::as_str);
            let required = required_scope(parts.method.as_str(), path);
            if !token.scopes.allows(required) {
                return Err(ApiError::insufficient_scope(
                    required,
                    parts.method.as_str(),
                    path,
                ));
            }
            return Ok(Self(token.actor));
        }
        let session = current_session(state, &parts.headers)
            .await
            .ok_or_else(ApiError::unauthorized)?;
        if !parts.method.is_safe() {
            let given = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|value| value.to_str().ok());
            match given {
                Some(given) if same_secret(&session.csrf, given) => {}
                _ => return Err(ApiError::csrf_failed()),
            }
        }
        Ok(Self(session.actor))
    }
}

/// A JSON body; malformed JSON, wrong types and a missing content type become [`ApiError`]s.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        axum::Json::<T>::from_request(request, state)
            .await
            .map(|axum::Json(value)| Self(value))
            .map_err(ApiError::from)
    }
}

/// Query parameters; unknown or mistyped ones become an `invalid_query` [`ApiError`].
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| Self(value))
            .map_err(ApiError::from)
    }
}

/// Path parameters; an undecodable path becomes an `invalid_path` [`ApiError`].
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| Self(value))
            .map_err(ApiError::from)
    }
}
