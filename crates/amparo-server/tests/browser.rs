//! The end-to-end browser test (issue 3, "Browser tests"): Debian's headless Chromium, driven
//! through ChromeDriver's W3C WebDriver API, works through Amparo as a person would — signs in
//! with the keyboard only, creates a person, adds two custody periods, looks at the timeline,
//! switches to Spanish and signs out. Screenshots of the main pages are saved as test artifacts
//! in `target/browser-screenshots/`.
//!
//! The test fails, never skips, when Chromium or ChromeDriver is missing: `scripts/test`
//! installs Debian's `chromium` and `chromium-driver` packages.

#[path = "browser/chromedriver.rs"]
mod chromedriver;
#[path = "browser/webdriver.rs"]
mod webdriver;

use std::path::{Path, PathBuf};
use std::time::Duration;

use amparo_app::installation::{InitOptions, init};
use serde_json::json;

use chromedriver::{CHROMIUM, ChromeDriver, require_browser};
use webdriver::{By, ENTER, Session, TAB};

/// The whole flow must end within this; every wait inside it is bounded by [`webdriver::WAIT`].
const FLOW_TIMEOUT: Duration = Duration::from_secs(50);

/// The folder the screenshots are saved in: `target/browser-screenshots` of the workspace.
fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-screenshots");
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|error| panic!("cannot create {}: {error}", dir.display()));
    dir.canonicalize().unwrap_or(dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_is_documented_in_the_browser_from_sign_in_to_sign_out() {
    require_browser();
    let screenshots = screenshot_dir();

    // An installation with its default administrator, served on a loopback port.
    let dir = tempfile::tempdir().unwrap();
    let (app, report) = init(&dir.path().join("data"), InitOptions::default())
        .await
        .unwrap();
    let (admin_name, admin_password) = report.admin.expect("init creates an administrator");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop_server, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(amparo_server::serve(app, listener, async {
        let _ = stopped.await;
    }));

    // The browser. The session is declared after the driver so that it is dropped first: it
    // closes Chromium, then the driver is killed.
    let driver = ChromeDriver::start(&screenshots.join("chromedriver.log")).await;
    let profile = tempfile::tempdir().unwrap();
    let browser = Session::new(&driver.url, chromium_capabilities(profile.path())).await;

    let user = User {
        name: &admin_name,
        password: &admin_password,
    };
    tokio::time::timeout(FLOW_TIMEOUT, flow(&browser, &base, user, &screenshots))
        .await
        .unwrap_or_else(|_| panic!("the browser flow took longer than {FLOW_TIMEOUT:?}"));

    drop(browser);
    drop(driver);
    let _ = stop_server.send(());
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("the server stops within 5 s")
        .unwrap()
        .unwrap();
    println!("screenshots in {}", screenshots.display());
}

/// Headless Debian Chromium with a fresh profile, reaching nothing but loopback, in English.
fn chromium_capabilities(profile: &Path) -> serde_json::Value {
    json!({
        "browserName": "chrome",
        "pageLoadStrategy": "normal",
        "timeouts": { "implicit": 0, "pageLoad": 10_000, "script": 5_000 },
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                format!("--user-data-dir={}", profile.display()),
                "--window-size=1280,1100",
                "--lang=en-US",
                "--accept-lang=en-US,en",
            ],
            "prefs": { "intl.accept_languages": "en-US,en" },
        },
    })
}

#[derive(Clone, Copy)]
struct User<'a> {
    name: &'a str,
    password: &'a str,
}

/// The flow, as a user works through it; any step that goes wrong panics at once.
async fn flow(browser: &Session, base: &str, user: User<'_>, screenshots: &Path) {
    let shot = |name: &str| screenshots.join(format!("{name}.png"));

    // Keyboard-only sign-in: the user name field has the focus; Tab, then Enter.
    browser.goto(&format!("{base}/login")).await;
    wait_h1(browser, "Sign in").await;
    let username = browser.find(By::Css("#username")).await;
    assert_eq!(
        browser.active_element().await,
        username,
        "the login page puts the focus on the user name"
    );
    browser.screenshot(&shot("01-login")).await;
    browser.type_keys(user.name).await;
    browser.type_keys(&TAB.to_string()).await;
    assert_eq!(
        browser.active_element().await,
        browser.find(By::Css("#password")).await,
        "Tab goes from the user name to the password"
    );
    browser.type_keys(user.password).await;
    browser.type_keys(&ENTER.to_string()).await;
    wait_h1(browser, "Dashboard").await;
    assert_eq!(browser.current_path().await, "/");
    assert_eq!(lang(browser).await, "en");
    browser.screenshot(&shot("02-dashboard")).await;

    // A new person, from the persons list.
    click(browser, By::LinkText("Persons")).await;
    wait_h1(browser, "Persons").await;
    browser.screenshot(&shot("03-persons")).await;
    click(browser, By::LinkText("New person")).await;
    wait_h1(browser, "New record: Person").await;
    let nationalities = browser.find(By::Css("#f-nationalities")).await;
    browser.send_keys(&nationalities, "VE").await;
    let victim = browser
        .find(By::XPath(
            "//fieldset[legend[normalize-space()='Roles']]//label[normalize-space()='Victim']/input",
        ))
        .await;
    browser.click(&victim).await;
    assert_eq!(browser.property(&victim, "checked").await, json!(true));
    browser.screenshot(&shot("04-new-person-form")).await;
    click(browser, By::XPath("//button[normalize-space()='Save']")).await;
    wait_h1(browser, "P-0001").await;
    let person_path = browser.current_path().await;
    assert!(person_path.starts_with("/persons/"), "{person_path}");
    let details = text(browser, By::Css("dl.fields")).await;
    assert!(details.contains("VE"), "person details: {details}");
    assert!(details.contains("Victim"), "person details: {details}");

    // Two custody periods, each from the person page.
    add_custody_period(
        browser,
        "In immigration custody",
        "2025-02-10",
        Some("2025-03-15"),
        Some((
            &shot("05-custody-period-form"),
            &shot("06-custody-period-saved"),
        )),
    )
    .await;
    add_custody_period(browser, "Held in a third country", "2025-03-16", None, None).await;

    // The timeline: a picture named after the person, and both periods in the table.
    let picture = browser
        .find(By::Css("figure.timeline svg[role='img']"))
        .await;
    let picture_title = browser
        .find(By::Css("figure.timeline svg[role='img'] > title"))
        .await;
    let picture_name = browser.property(&picture_title, "textContent").await;
    assert_eq!(picture_name, json!("Custody timeline of P-0001"));
    let bars = browser
        .find_all(By::Css("figure.timeline svg[role='img'] rect"))
        .await;
    assert!(
        bars.len() >= 2,
        "the timeline draws bars, found {}",
        bars.len()
    );
    let periods = period_rows(browser).await;
    assert_eq!(
        periods,
        [
            "In immigration custody 2025-02-10 2025-03-15",
            "Held in a third country 2025-03-16 ongoing",
        ],
        "the periods table"
    );
    browser.screenshot(&shot("07-person-timeline")).await;
    browser
        .element_screenshot(&picture, &shot("08-timeline-picture"))
        .await;

    // Spanish, from the header's language button on the persons list.
    click(browser, By::LinkText("Persons")).await;
    wait_h1(browser, "Persons").await;
    click(
        browser,
        By::XPath("//header//button[normalize-space()='Español']"),
    )
    .await;
    wait_h1(browser, "Personas").await;
    assert_eq!(lang(browser).await, "es");
    assert_eq!(browser.current_path().await, "/persons");
    let row = text(browser, By::Css("main table tbody tr")).await;
    assert!(row.contains("P-0001"), "persons list row: {row}");
    browser.screenshot(&shot("09-persons-es")).await;
    click(browser, By::LinkText("P-0001")).await;
    wait_h1(browser, "P-0001").await;
    assert_eq!(lang(browser).await, "es");
    let periods = period_rows(browser).await;
    assert!(
        periods[0].starts_with("Bajo custodia migratoria"),
        "the periods table in Spanish: {periods:?}"
    );
    assert!(
        periods[1].starts_with("Bajo custodia en un tercer país"),
        "the periods table in Spanish: {periods:?}"
    );
    let picture_title = browser
        .find(By::Css("figure.timeline svg[role='img'] > title"))
        .await;
    assert_eq!(
        browser.property(&picture_title, "textContent").await,
        json!("Línea de tiempo de custodia de P-0001")
    );
    browser.screenshot(&shot("10-person-es")).await;

    // Sign out: back on the login page, and the interface is closed again.
    click(
        browser,
        By::XPath("//header//button[normalize-space()='Cerrar sesión']"),
    )
    .await;
    browser
        .eventually("the login page after signing out", || async {
            (browser.current_path().await == "/login").then_some(())
        })
        .await;
    browser.wait_for(By::Css("form.login #username")).await;
    browser.screenshot(&shot("11-login-after-sign-out")).await;
    browser.goto(&format!("{base}/")).await;
    assert_eq!(
        browser.current_path().await,
        "/login",
        "after signing out, / leads to the login page"
    );
    browser.wait_for(By::Css("form.login #username")).await;
}

/// Adds a custody period to the person whose page is open, as a user does: the link on the
/// person page, the form, Save, and back on the person page. `screenshots` are where to save
/// the filled form and the page Save leads to.
async fn add_custody_period(
    browser: &Session,
    status: &str,
    from: &str,
    to: Option<&str>,
    screenshots: Option<(&Path, &Path)>,
) {
    let person_path = browser.current_path().await;
    let person_code = h1(browser).await;
    click(browser, By::LinkText("Add a custody period")).await;
    wait_h1(browser, "New record: Custody period").await;
    let person = text(browser, By::Css("#f-person_id option:checked")).await;
    assert_eq!(
        person, person_code,
        "the form is for the person it came from"
    );
    click(
        browser,
        By::XPath(&format!(
            "//select[@id='f-status']/option[normalize-space()='{status}']"
        )),
    )
    .await;
    let start = browser.find(By::Css("#f-period-start")).await;
    browser.send_keys(&start, from).await;
    if let Some(to) = to {
        let end = browser.find(By::Css("#f-period-end")).await;
        browser.send_keys(&end, to).await;
    }
    if let Some((form, _)) = screenshots {
        browser.screenshot(form).await;
    }
    click(browser, By::XPath("//button[normalize-space()='Save']")).await;
    let form_path = "/records/custody-period/new";
    browser
        .eventually("the custody period to be saved", || async {
            if browser.current_path().await != form_path {
                return Some(());
            }
            // The form came back: a refused entry is a hard failure, with its messages.
            let errors = browser.find_all(By::Css(".error")).await;
            if !errors.is_empty() {
                let mut messages = Vec::new();
                for error in &errors {
                    messages.extend(browser.try_text(error).await);
                }
                panic!("the custody period {status} was refused: {messages:?}");
            }
            None
        })
        .await;
    if let Some((_, saved)) = screenshots {
        browser.screenshot(saved).await;
    }
    // Saving a period brings the browser back to the person it was added from.
    let landed = browser.current_path().await;
    assert_eq!(
        landed, person_path,
        "after saving the custody period \"{status}\""
    );
    wait_h1(browser, &person_code).await;
    let periods = period_rows(browser).await;
    assert!(
        periods.iter().any(|row| row.starts_with(status)),
        "the person page lists the period {status}: {periods:?}"
    );
}

/// Finds `by` (waiting for it) and clicks it.
async fn click(browser: &Session, by: By<'_>) {
    let element = browser.wait_for(by).await;
    browser.click(&element).await;
}

/// The visible text of the first element matching `by`.
async fn text(browser: &Session, by: By<'_>) -> String {
    let element = browser.find(by).await;
    browser.text(&element).await
}

/// The page's main heading.
async fn h1(browser: &Session) -> String {
    text(browser, By::Css("h1")).await
}

/// Waits until the page's main heading is `expected`.
async fn wait_h1(browser: &Session, expected: &str) {
    browser
        .eventually(&format!("the heading \"{expected}\""), || async {
            let heading = browser.try_find(By::Css("h1")).await?;
            (browser.try_text(&heading).await? == expected).then_some(())
        })
        .await;
}

/// The page's `lang` attribute.
async fn lang(browser: &Session) -> String {
    let html = browser.find(By::Css("html")).await;
    browser.attribute(&html, "lang").await.unwrap_or_default()
}

/// The rows of the person page's custody periods table, as "status from to" texts.
async fn period_rows(browser: &Session) -> Vec<String> {
    let rows = browser
        .find_all(By::Css(
            "section[aria-labelledby='timeline'] table tbody tr",
        ))
        .await;
    let mut texts = Vec::new();
    for row in &rows {
        let cells = browser.find_all_in(row, By::Css("td")).await;
        let mut words = Vec::new();
        for cell in &cells {
            let text = browser.text(cell).await;
            if !text.is_empty() {
                words.push(text);
            }
        }
        texts.push(words.join(" "));
    }
    texts
}
