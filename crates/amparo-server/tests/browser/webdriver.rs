//! A minimal W3C WebDriver client over reqwest and JSON: just what the browser test needs to
//! drive ChromeDriver as a user would (navigate, find, type, press keys, click, read, take
//! screenshots). No script is executed in the page.

use std::future::Future;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The key of an element reference in WebDriver's JSON.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// How long [`Session::eventually`] polls before failing.
pub const WAIT: Duration = Duration::from_secs(10);

/// The Tab key, as WebDriver spells it.
pub const TAB: char = '\u{E004}';
/// The Enter key, as WebDriver spells it.
pub const ENTER: char = '\u{E007}';

/// How an element is looked up.
#[derive(Clone, Copy, Debug)]
pub enum By<'a> {
    /// A CSS selector.
    Css(&'a str),
    /// A link by its whole visible text.
    LinkText(&'a str),
    /// An XPath expression, for finding by visible text.
    XPath(&'a str),
}

impl By<'_> {
    fn to_json(self) -> Value {
        let (using, value) = match self {
            By::Css(selector) => ("css selector", selector),
            By::LinkText(text) => ("link text", text),
            By::XPath(path) => ("xpath", path),
        };
        json!({ "using": using, "value": value })
    }
}

/// An element of the current page, as the driver names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Element(String);

/// A browser session; dropping it ends the session, which closes the browser.
pub struct Session {
    http: reqwest::Client,
    driver: String,
    id: String,
}

impl Session {
    /// Opens a browser with `capabilities` (the W3C `alwaysMatch` object).
    pub async fn new(driver_url: &str, capabilities: Value) -> Session {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap();
        let answer = send(
            &http,
            reqwest::Method::POST,
            &format!("{driver_url}/session"),
            Some(json!({ "capabilities": { "alwaysMatch": capabilities } })),
        )
        .await
        .unwrap_or_else(|error| panic!("ChromeDriver could not open Chromium: {error}"));
        let id = answer["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session id in {answer}"))
            .to_owned();
        Session {
            http,
            driver: driver_url.to_owned(),
            id,
        }
    }

    async fn command(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, String> {
        let url = format!("{}/session/{}{path}", self.driver, self.id);
        send(&self.http, method, &url, body).await
    }

    async fn get(&self, path: &str) -> Value {
        self.command(reqwest::Method::GET, path, None)
            .await
            .unwrap_or_else(|error| panic!("GET {path}: {error}"))
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        self.command(reqwest::Method::POST, path, Some(body))
            .await
            .unwrap_or_else(|error| panic!("POST {path}: {error}"))
    }

    /// Opens `url` and waits until it has loaded.
    pub async fn goto(&self, url: &str) {
        self.post("/url", json!({ "url": url })).await;
    }

    /// The address of the current page.
    pub async fn current_url(&self) -> String {
        string(self.get("/url").await)
    }

    /// The path of the current page (`/persons/…`), without query.
    pub async fn current_path(&self) -> String {
        let url = self.current_url().await;
        let url = url::Url::parse(&url).unwrap_or_else(|_| panic!("not a URL: {url}"));
        url.path().to_owned()
    }

    /// The HTML of the current page.
    pub async fn page_source(&self) -> String {
        string(self.get("/source").await)
    }

    /// The first element matching `by`, or `None`.
    pub async fn try_find(&self, by: By<'_>) -> Option<Element> {
        self.command(reqwest::Method::POST, "/element", Some(by.to_json()))
            .await
            .ok()
            .map(element)
    }

    /// The first element matching `by`; fails the test when there is none.
    pub async fn find(&self, by: By<'_>) -> Element {
        match self.try_find(by).await {
            Some(found) => found,
            None => panic!(
                "no element {by:?} on {}; the page:\n{}",
                self.current_url().await,
                self.page_source().await
            ),
        }
    }

    /// Every element matching `by`.
    pub async fn find_all(&self, by: By<'_>) -> Vec<Element> {
        let found = self.post("/elements", by.to_json()).await;
        found
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(element)
            .collect()
    }

    /// Every element matching `by` inside `parent`.
    pub async fn find_all_in(&self, parent: &Element, by: By<'_>) -> Vec<Element> {
        let found = self
            .post(&format!("/element/{}/elements", parent.0), by.to_json())
            .await;
        found
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(element)
            .collect()
    }

    /// The first element matching `by` once it exists, waiting up to [`WAIT`].
    pub async fn wait_for(&self, by: By<'_>) -> Element {
        self.eventually(&format!("an element {by:?}"), || self.try_find(by))
            .await
    }

    /// The element that has the keyboard focus.
    pub async fn active_element(&self) -> Element {
        element(self.get("/element/active").await)
    }

    /// The visible text of `element`.
    pub async fn text(&self, element: &Element) -> String {
        string(self.get(&format!("/element/{}/text", element.0)).await)
    }

    /// The visible text of `element`, or `None` when it is gone (the page changed).
    pub async fn try_text(&self, element: &Element) -> Option<String> {
        self.command(
            reqwest::Method::GET,
            &format!("/element/{}/text", element.0),
            None,
        )
        .await
        .ok()
        .and_then(|text| text.as_str().map(str::to_owned))
    }

    /// An attribute of `element` as written in the HTML, if it has it.
    pub async fn attribute(&self, element: &Element, name: &str) -> Option<String> {
        self.get(&format!("/element/{}/attribute/{name}", element.0))
            .await
            .as_str()
            .map(str::to_owned)
    }

    /// A DOM property of `element` (`textContent`, `checked`, `value`).
    pub async fn property(&self, element: &Element, name: &str) -> Value {
        self.get(&format!("/element/{}/property/{name}", element.0))
            .await
    }

    /// Clicks `element` with the mouse.
    pub async fn click(&self, element: &Element) {
        self.post(&format!("/element/{}/click", element.0), json!({}))
            .await;
    }

    /// Types `text` into `element`, focusing it first.
    pub async fn send_keys(&self, element: &Element, text: &str) {
        self.post(
            &format!("/element/{}/value", element.0),
            json!({ "text": text }),
        )
        .await;
    }

    /// Presses and releases each key of `keys` on the keyboard, wherever the focus is: no
    /// element is chosen, as when a person types.
    pub async fn type_keys(&self, keys: &str) {
        let actions: Vec<Value> = keys
            .chars()
            .flat_map(|key| {
                [
                    json!({ "type": "keyDown", "value": key.to_string() }),
                    json!({ "type": "keyUp", "value": key.to_string() }),
                ]
            })
            .collect();
        self.post(
            "/actions",
            json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] }),
        )
        .await;
        self.command(reqwest::Method::DELETE, "/actions", None)
            .await
            .unwrap_or_else(|error| panic!("DELETE /actions: {error}"));
    }

    /// Saves a PNG of the viewport to `path`.
    pub async fn screenshot(&self, path: &Path) {
        let png = string(self.get("/screenshot").await);
        save_png(path, &png);
    }

    /// Saves a PNG of `element` alone to `path`.
    pub async fn element_screenshot(&self, element: &Element, path: &Path) {
        let png = string(
            self.get(&format!("/element/{}/screenshot", element.0))
                .await,
        );
        save_png(path, &png);
    }

    /// Polls `probe` every 100 ms until it gives a value; fails the test after [`WAIT`],
    /// naming `what` was awaited and the page the browser was on.
    pub async fn eventually<T, F, Fut>(&self, what: &str, mut probe: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Option<T>>,
    {
        let started = Instant::now();
        loop {
            if let Some(value) = probe().await {
                return value;
            }
            if started.elapsed() > WAIT {
                panic!(
                    "waited {WAIT:?} for {what} on {}; the page:\n{}",
                    self.current_url().await,
                    self.page_source().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Session {
    /// Ends the session with a blocking request, so that Chromium is closed even when the test
    /// panics (ChromeDriver, killed afterwards, would leave it running).
    fn drop(&mut self) {
        let Some(address) = self.driver.strip_prefix("http://") else {
            return;
        };
        let Ok(mut stream) = TcpStream::connect(address) else {
            return;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let request = format!(
            "DELETE /session/{} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n",
            self.id
        );
        if stream.write_all(request.as_bytes()).is_ok() {
            let _ = stream.read_to_end(&mut Vec::new());
        }
    }
}

/// Sends one WebDriver command; a W3C error answer becomes `Err` with its code and message.
async fn send(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    body: Option<Value>,
) -> Result<Value, String> {
    let mut request = http.request(method, url);
    if let Some(body) = body {
        request = request
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string());
    }
    let response = request.send().await.map_err(|error| error.to_string())?;
    let status = response.status();
    let bytes = response.bytes().await.map_err(|error| error.to_string())?;
    let mut answer: Value = serde_json::from_slice(&bytes)
        .map_err(|error| format!("{status}: not JSON ({error}): {bytes:?}"))?;
    let value = answer["value"].take();
    if status.is_success() {
        Ok(value)
    } else {
        Err(format!(
            "{status} {}: {}",
            value["error"].as_str().unwrap_or("?"),
            value["message"].as_str().unwrap_or("")
        ))
    }
}

fn element(value: Value) -> Element {
    Element(
        value[ELEMENT_KEY]
            .as_str()
            .unwrap_or_else(|| panic!("not an element reference: {value}"))
            .to_owned(),
    )
}

fn string(value: Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("not a string: {value}"))
        .to_owned()
}

fn save_png(path: &Path, base64_png: &str) {
    let bytes = decode_base64(base64_png);
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "the screenshot for {} is not a PNG",
        path.display()
    );
    std::fs::write(path, bytes)
        .unwrap_or_else(|error| panic!("cannot write {}: {error}", path.display()));
}

/// Decodes standard base64 (as WebDriver sends screenshots); no crate needed for this much.
fn decode_base64(text: &str) -> Vec<u8> {
    let sextet = |byte: u8| -> u32 {
        match byte {
            b'A'..=b'Z' => u32::from(byte - b'A'),
            b'a'..=b'z' => u32::from(byte - b'a') + 26,
            b'0'..=b'9' => u32::from(byte - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            other => panic!("not base64: byte {other}"),
        }
    };
    let digits: Vec<u8> = text
        .bytes()
        .filter(|byte| !byte.is_ascii_whitespace() && *byte != b'=')
        .collect();
    let mut bytes = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let bits = chunk
            .iter()
            .enumerate()
            .fold(0u32, |bits, (index, &digit)| {
                bits | (sextet(digit) << (18 - 6 * index))
            });
        let n_bytes = chunk.len() * 6 / 8;
        bytes.extend_from_slice(&bits.to_be_bytes()[1..1 + n_bytes]);
    }
    bytes
}
