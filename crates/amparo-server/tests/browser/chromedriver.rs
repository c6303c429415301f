//! Debian's ChromeDriver as a child process of the test, on a free loopback port, killed when
//! the guard is dropped (also when the test panics).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Debian's Chromium (package `chromium`).
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Debian's ChromeDriver (package `chromium-driver`).
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// How long ChromeDriver may take to answer `/status` with `ready`.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// Fails the test, loudly, when the browser or its driver is not installed: a browser test that
/// cannot run must never pass by skipping.
pub fn require_browser() {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|path| !Path::new(path).is_file())
        .collect();
    assert!(
        missing.is_empty(),
        "the browser test needs {} — install Debian's packages with \
         `apt-get install chromium chromium-driver` (scripts/test installs them when missing)",
        missing.join(" and "),
    );
}

/// A running ChromeDriver; dropping it kills the process.
pub struct ChromeDriver {
    child: Child,
    /// Where ChromeDriver answers, as `http://127.0.0.1:PORT`.
    pub url: String,
    log_path: PathBuf,
}

impl ChromeDriver {
    /// Starts ChromeDriver on a free loopback port, logging to `log_path`, and waits until its
    /// `/status` says it is ready.
    pub async fn start(log_path: &Path) -> ChromeDriver {
        let port = free_port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log_path.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {CHROMEDRIVER}: {error}"));
        let mut driver = ChromeDriver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log_path: log_path.to_owned(),
        };
        driver.wait_until_ready().await;
        driver
    }

    async fn wait_until_ready(&mut self) {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "{CHROMEDRIVER} exited at start with {status}; its log:\n{}",
                    self.log()
                );
            }
            if let Ok(response) = http.get(format!("{}/status", self.url)).send().await
                && let Ok(body) = response.bytes().await
                && let Ok(status) = serde_json::from_slice::<serde_json::Value>(&body)
                && status["value"]["ready"] == true
            {
                return;
            }
            assert!(
                started.elapsed() < START_TIMEOUT,
                "{CHROMEDRIVER} was not ready within {START_TIMEOUT:?}; its log:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The driver's log so far, to explain a failure.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port nobody listens on right now.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("cannot bind a loopback port");
    listener.local_addr().unwrap().port()
}
