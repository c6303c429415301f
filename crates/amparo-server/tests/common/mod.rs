//! A browser for the integration tests: it keeps cookies between requests to one server state,
//! fills forms with their CSRF tokens, and can say which language it prefers and which address
//! it connects from.

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;

use amparo_server::{AppState, router};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// One response, read whole.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
    /// The body as sent, for downloads.
    pub bytes: Vec<u8>,
}

impl Answer {
    pub fn location(&self) -> &str {
        self.header(header::LOCATION)
    }

    pub fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
    }
}

/// A browser: keeps cookies between requests to one server state.
pub struct Browser {
    state: AppState,
    pub cookies: HashMap<String, String>,
    pub accept_language: Option<&'static str>,
    /// The client address the server sees (for the per-address limits), when set.
    address: Option<SocketAddr>,
}

impl Browser {
    pub fn new(state: &AppState) -> Self {
        Self {
            state: state.clone(),
            cookies: HashMap::new(),
            accept_language: None,
            address: None,
        }
    }

    /// The same browser, connecting from `address` (`IP:PORT`).
    pub fn connecting_from(mut self, address: &str) -> Self {
        self.address = Some(address.parse().unwrap());
        self
    }

    pub async fn send(&mut self, mut request: Request<Body>) -> Answer {
        if !self.cookies.is_empty() {
            let cookie = self
                .cookies
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect::<Vec<_>>()
                .join("; ");
            request
                .headers_mut()
                .insert(header::COOKIE, cookie.parse().unwrap());
        }
        if let Some(language) = self.accept_language {
            request
                .headers_mut()
                .insert(header::ACCEPT_LANGUAGE, language.parse().unwrap());
        }
        if let Some(address) = self.address {
            request.extensions_mut().insert(ConnectInfo(address));
        }
        let response = router(self.state.clone()).oneshot(request).await.unwrap();
        for value in response.headers().get_all(header::SET_COOKIE) {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || text.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let body = fields
            .iter()
            .map(|(name, value)| format!("{name}={}", urlencode(value)))
            .collect::<Vec<_>>()
            .join("&");
        self.send(
            Request::post(path)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// Opens the sign-in page and signs in with its form's CSRF token (the password step).
    pub async fn sign_in(&mut self, username: &str, password: &str) -> Answer {
        let form = self.get("/login").await;
        let csrf = hidden_field(&form.body, "csrf");
        self.post(
            "/login",
            &[
                ("username", username),
                ("password", password),
                ("csrf", &csrf),
            ],
        )
        .await
    }

    /// The code step, after [`Browser::sign_in`] asked for it.
    pub async fn send_code(&mut self, code_page: &Answer, code: &str) -> Answer {
        let csrf = hidden_field(&code_page.body, "csrf");
        self.post("/login/code", &[("code", code), ("csrf", &csrf)])
            .await
    }

    /// A signed-in form of the page at `page_path`.
    pub async fn post_form(
        &mut self,
        page_path: &str,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Answer {
        let page = self.get(page_path).await;
        assert_eq!(page.status, StatusCode::OK, "{page_path}");
        let csrf = hidden_field(&page.body, "csrf");
        let mut all = fields.to_vec();
        all.push(("csrf", &csrf));
        self.post(path, &all).await
    }

    pub fn session(&self) -> Option<String> {
        self.cookies.get("amparo_session").cloned()
    }
}

pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The value of the first hidden input named `name`.
pub fn hidden_field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} field in {html}"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}
