//! The load generator: sign-in over HTTP, then a closed loop of C clients per route, each issuing
//! requests back to back, and the percentiles of every request's latency.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use reqwest::header::{self, HeaderMap, HeaderValue};

use super::data::Rng;

/// Most requests sent to one route, so that a run always ends even on a very fast machine.
pub const MAX_REQUESTS_PER_ROUTE: u64 = 200_000;
/// A request slower than this is abandoned and counts as an error (and a timeout).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// What one route is loaded with.
pub enum Target {
    /// The same path every time.
    Fixed(String),
    /// `prefix` followed by one of `ids`, picked at random for each request.
    RandomId {
        prefix: String,
        ids: Arc<Vec<String>>,
    },
}

/// The measurements of one route.
pub struct RouteStats {
    pub requests: u64,
    pub errors: u64,
    /// Errors that were timeouts (included in `errors`).
    pub timeouts: u64,
    pub elapsed: Duration,
    /// Every request's latency in microseconds, sorted.
    pub latencies_us: Vec<u64>,
    /// The first few error descriptions (status or transport error).
    pub error_samples: Vec<String>,
    /// The latency of one request sent alone before the load, which builds the views the route
    /// reads (kept out of the percentiles, which measure the steady state).
    pub first: Duration,
}

impl RouteStats {
    pub fn rps(&self) -> f64 {
        let seconds = self.elapsed.as_secs_f64();
        if seconds > 0.0 {
            self.requests as f64 / seconds
        } else {
            0.0
        }
    }

    /// The nearest-rank percentile `p` (0–100) in milliseconds, from all samples.
    pub fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return 0.0;
        }
        let n = self.latencies_us.len();
        let rank = ((p / 100.0) * n as f64).ceil() as usize;
        let index = rank.clamp(1, n) - 1;
        self.latencies_us[index] as f64 / 1000.0
    }

    pub fn max_ms(&self) -> f64 {
        self.latencies_us.last().copied().unwrap_or(0) as f64 / 1000.0
    }
}

/// Percent-encodes a form value.
fn form_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The value of cookie `name` among a response's `Set-Cookie` headers.
fn set_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| value.split(';').next())
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, value)| key.trim() == name && !value.is_empty())
        .map(|(_, value)| value.trim().to_owned())
}

/// Signs in as a browser does: GET /login for the login cookie and the form's hidden `csrf`,
/// then POST /login; returns the `amparo_session` cookie's value.
pub async fn sign_in(base: &str, username: &str, password: &str) -> anyhow::Result<String> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(REQUEST_TIMEOUT)
        .build()?;
    let form = client.get(format!("{base}/login")).send().await?;
    if !form.status().is_success() {
        bail!("GET /login answered {}", form.status());
    }
    let login_cookie = set_cookie(form.headers(), "amparo_login")
        .context("GET /login set no amparo_login cookie")?;
    let html = form.text().await?;
    let marker = "name=\"csrf\" value=\"";
    let start = html
        .find(marker)
        .context("the login page has no csrf field")?
        + marker.len();
    let end = html[start..]
        .find('"')
        .context("the login page's csrf field is not closed")?;
    let csrf = &html[start..start + end];
    let body = format!(
        "username={}&password={}&csrf={}",
        form_encode(username),
        form_encode(password),
        form_encode(csrf)
    );
    let answer = client
        .post(format!("{base}/login"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, format!("amparo_login={login_cookie}"))
        .body(body)
        .send()
        .await?;
    if !answer.status().is_redirection() {
        bail!(
            "POST /login answered {} instead of a redirect",
            answer.status()
        );
    }
    set_cookie(answer.headers(), "amparo_session").context("POST /login set no session cookie")
}

/// Runs `clients` concurrent clients against `base` + `target` for `duration` (or until
/// [`MAX_REQUESTS_PER_ROUTE`] requests), each sending its next request as soon as the last one's
/// body has arrived. Every non-2xx answer, timeout or transport error counts as an error.
pub async fn run_route(
    base: &str,
    target: &Target,
    headers: HeaderMap,
    clients: usize,
    duration: Duration,
) -> anyhow::Result<RouteStats> {
    // One pooled client, as a browser fleet behind one proxy would be; redirects are not
    // followed, so that a lost session shows as an error rather than as the login page.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(REQUEST_TIMEOUT)
        .pool_max_idle_per_host(clients)
        .default_headers(headers)
        .build()?;
    // One request alone first: what a route costs while its views are built after a change is
    // reported apart from the load.
    let first_url = match target {
        Target::Fixed(path) => format!("{base}{path}"),
        Target::RandomId { prefix, ids } => match ids.first() {
            Some(id) => format!("{base}{prefix}{id}"),
            None => bail!("no ids to request under {prefix}"),
        },
    };
    let begun = Instant::now();
    let response = client.get(&first_url).send().await?;
    let status = response.status();
    response.bytes().await?;
    if !status.is_success() {
        bail!("the first request answered {status} for {first_url}");
    }
    let first = begun.elapsed();
    let sent = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::with_capacity(clients);
    for number in 0..clients {
        let client = client.clone();
        let sent = Arc::clone(&sent);
        let base = base.to_owned();
        let target = match target {
            Target::Fixed(path) => Target::Fixed(path.clone()),
            Target::RandomId { prefix, ids } => Target::RandomId {
                prefix: prefix.clone(),
                ids: Arc::clone(ids),
            },
        };
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng::new(0xB3AC_0000 + number as u64);
            let mut latencies = Vec::new();
            let mut errors = 0u64;
            let mut timeouts = 0u64;
            let mut samples = Vec::new();
            while Instant::now() < deadline
                && sent.fetch_add(1, Ordering::Relaxed) < MAX_REQUESTS_PER_ROUTE
            {
                let url = match &target {
                    Target::Fixed(path) => format!("{base}{path}"),
                    Target::RandomId { prefix, ids } => {
                        format!("{base}{prefix}{}", ids[rng.index(ids.len())])
                    }
                };
                let begun = Instant::now();
                let outcome = match client.get(&url).send().await {
                    Ok(response) => {
                        let status = response.status();
                        match response.bytes().await {
                            Ok(_) if status.is_success() => None,
                            Ok(_) => Some(format!("{status} for {url}")),
                            Err(error) => {
                                timeouts += u64::from(error.is_timeout());
                                Some(format!("reading {url}: {error}"))
                            }
                        }
                    }
                    Err(error) => {
                        timeouts += u64::from(error.is_timeout());
                        Some(format!("{url}: {error}"))
                    }
                };
                latencies.push(begun.elapsed().as_micros() as u64);
                if let Some(error) = outcome {
                    errors += 1;
                    if samples.len() < 3 {
                        samples.push(error);
                    }
                }
            }
            (latencies, errors, timeouts, samples)
        }));
    }
    let mut latencies_us = Vec::new();
    let mut errors = 0;
    let mut timeouts = 0;
    let mut error_samples = Vec::new();
    for task in tasks {
        let (latencies, task_errors, task_timeouts, samples) = task.await?;
        latencies_us.extend(latencies);
        errors += task_errors;
        timeouts += task_timeouts;
        if error_samples.len() < 5 {
            error_samples.extend(samples);
        }
    }
    let elapsed = started.elapsed();
    latencies_us.sort_unstable();
    Ok(RouteStats {
        requests: latencies_us.len() as u64,
        errors,
        timeouts,
        elapsed,
        latencies_us,
        error_samples,
        first,
    })
}

/// Headers that carry a session cookie.
pub fn session_headers(session: &str) -> anyhow::Result<HeaderMap> {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::COOKIE,
        HeaderValue::from_str(&format!("amparo_session={session}"))?,
    );
    Ok(headers)
}

/// Headers that carry a bearer token.
pub fn bearer_headers(token: &str) -> anyhow::Result<HeaderMap> {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::AUTHORIZATION,
        HeaderValue::from_str(&format!("Bearer {token}"))?,
    );
    Ok(headers)
}

/// Waits until the server has finished what an earlier route left running (requests whose
/// clients gave up keep the database busy): one request that reads the database, not measured.
pub async fn drain(base: &str, headers: HeaderMap) -> anyhow::Result<Duration> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(600))
        .default_headers(headers)
        .build()?;
    let started = Instant::now();
    let response = client
        .get(format!("{base}/api/v1/records/case?limit=1"))
        .send()
        .await?;
    if !response.status().is_success() {
        bail!("the drain request answered {}", response.status());
    }
    response.bytes().await?;
    Ok(started.elapsed())
}
