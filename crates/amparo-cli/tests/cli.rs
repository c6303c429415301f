//! The `amparo` binary end to end: init, the demo server, records, bad input, export and import, gc.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

/// Every record type, as the CLI names them.
const KINDS: &[&str] = &[
    "person",
    "organization",
    "place",
    "event",
    "act",
    "involvement",
    "information",
    "testimony",
    "custody-period",
    "case",
    "proceeding",
    "docket-entry",
    "hearing",
    "deadline",
    "capture",
    "document",
    "suggestion",
    "user",
    "team",
    "grant",
];

mod common;

use common::amparo;

/// `amparo --data DIR`, ready for more arguments.
fn command(dir: &Path) -> Command {
    common::command(Some(dir))
}

fn describe(args: &[&str], output: &Output) -> String {
    format!(
        "amparo {args:?} exited with {}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Runs a command that must succeed; returns its standard output.
fn ok(dir: &Path, args: &[&str]) -> String {
    let output = amparo(dir, args);
    assert!(output.status.success(), "{}", describe(args, &output));
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// Runs a command that must fail with a message starting with `error:`; returns the message.
fn fails(dir: &Path, args: &[&str]) -> String {
    let output = amparo(dir, args);
    assert!(!output.status.success(), "{}", describe(args, &output));
    let stderr = String::from_utf8(output.stderr.clone()).expect("UTF-8 output");
    assert!(stderr.starts_with("error:"), "{}", describe(args, &output));
    stderr
}

/// Parses JSON printed by a command.
fn parse_json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("not JSON ({error}):\n{text}"))
}

/// Runs a `--json` command that must succeed and parses its output.
fn ok_json(dir: &Path, args: &[&str]) -> Value {
    parse_json(&ok(dir, args))
}

/// Creates an installation in `dir` and returns the administrator's password.
fn init(dir: &Path) -> String {
    let stdout = ok(dir, &["init"]);
    assert!(
        stdout.lines().any(|line| line == "Administrator: admin"),
        "{stdout}"
    );
    let password = stdout
        .lines()
        .find_map(|line| line.strip_prefix("Password: "))
        .unwrap_or_else(|| panic!("no password line in:\n{stdout}"));
    assert!(password.len() >= 12, "a short password: {password:?}");
    password.to_owned()
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port")
}

/// Writes `value` as a JSON file in `dir`.
fn write_json(dir: &Path, name: &str, value: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec_pretty(value).unwrap()).unwrap();
    path
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// Creates a record from `body` and returns the created version.
fn create(dir: &Path, kind: &str, body: &Value) -> Value {
    let file = write_json(dir.parent().unwrap(), &format!("new-{kind}.json"), body);
    ok_json(dir, &["record", "create", kind, path_str(&file), "--json"])
}

/// Every current record of every kind, as `record list KIND --json` prints them.
fn all_records(dir: &Path) -> BTreeMap<&'static str, Value> {
    KINDS
        .iter()
        .map(|kind| (*kind, ok_json(dir, &["record", "list", kind, "--json"])))
        .collect()
}

/// The files under `DATA/blobs`, by path relative to it.
fn blob_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let root = dir.join("blobs");
    let mut files = BTreeMap::new();
    for shard in std::fs::read_dir(&root).unwrap() {
        let shard = shard.unwrap().path();
        for entry in std::fs::read_dir(&shard).unwrap() {
            let path = entry.unwrap().path();
            let relative = path
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            files.insert(relative, std::fs::read(&path).unwrap());
        }
    }
    files
}

/// The files of an export's blob folder, by name.
fn export_blobs(export: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut folder = export.as_os_str().to_owned();
    folder.push(".blobs");
    std::fs::read_dir(PathBuf::from(folder))
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect()
}

fn is_hex64(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

// ---------------------------------------------------------------------------------------------
// HTTP over a plain socket.

struct HttpResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl HttpResponse {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Decodes a chunked body.
fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let end = raw
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("a chunk size line");
        let size_text = std::str::from_utf8(&raw[..end]).unwrap();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        raw = &raw[end + 2..];
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&raw[..size]);
        raw = &raw[size + 2..];
    }
}

/// Sends one HTTP/1.1 request (with `Connection: close`) and reads the whole response.
fn http(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> HttpResponse {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("the server accepts");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete response head");
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP/1.1 status line: {status_line:?}"));
    let headers: Vec<(String, String)> = lines
        .map(|line| {
            let (name, value) = line.split_once(':').expect("a header line");
            (name.trim().to_owned(), value.trim().to_owned())
        })
        .collect();
    let mut response = HttpResponse {
        status,
        headers,
        body: String::new(),
    };
    let raw_body = &raw[split + 4..];
    let body = if response
        .header("transfer-encoding")
        .is_some_and(|value| value.eq_ignore_ascii_case("chunked"))
    {
        dechunk(raw_body)
    } else {
        raw_body.to_vec()
    };
    response.body = String::from_utf8(body).expect("a UTF-8 body");
    response
}

fn form_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A child process killed when the test ends, even by a failed assertion.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

// ---------------------------------------------------------------------------------------------

#[test]
fn init_prints_credentials_once_and_refuses_an_existing_installation() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    let stdout = ok(&data, &["init"]);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines.contains(&"Administrator: admin"), "{stdout}");
    let password = lines
        .iter()
        .find_map(|line| line.strip_prefix("Password: "))
        .unwrap_or_else(|| panic!("no password line in:\n{stdout}"));
    assert!(
        password.len() >= 12 && password.chars().all(|c| c.is_ascii_alphanumeric()),
        "{password:?}"
    );
    let config = std::fs::read(data.join("config.toml")).unwrap();

    let stderr = fails(&data, &["init"]);
    assert!(
        stderr.contains("already holds an Amparo installation"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(data.join("config.toml")).unwrap(),
        config,
        "init overwrote the config"
    );

    // Neither a second init nor a demo adds anything to it.
    let stderr = fails(&data, &["demo", "--port", &free_port().to_string()]);
    assert!(stderr.contains("already holds an installation"), "{stderr}");
    let users = ok_json(&data, &["record", "list", "user", "--json"]);
    assert_eq!(users.as_array().map(Vec::len), Some(1), "{users:#}");
    assert_eq!(
        ok_json(&data, &["record", "list", "person", "--json"]),
        json!([])
    );
}

#[test]
fn commands_outside_an_installation_say_to_run_init() {
    let temp = tempfile::tempdir().unwrap();
    let file = temp.path().join("note.txt");
    std::fs::write(&file, "hello").unwrap();
    let empty = temp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let missing = temp.path().join("missing");
    for dir in [&empty, &missing] {
        for args in [
            &["record", "list", "person"][..],
            &["record", "show", "person", "P-0001"],
            &["capture", path_str(&file)],
            &["timeline", "P-0001"],
            &["export", "-o", path_str(&temp.path().join("out.jsonl"))],
            &["gc", "--min-age", "0"],
            &["user", "add", "maria"],
            &["serve", "--listen", "127.0.0.1:0"],
        ] {
            let stderr = fails(dir, args);
            assert!(stderr.contains("amparo init"), "{args:?}: {stderr}");
            assert!(
                stderr.contains("is not an Amparo installation"),
                "{args:?}: {stderr}"
            );
        }
    }
    assert_eq!(
        std::fs::read_dir(&empty).unwrap().count(),
        0,
        "a failed command wrote files"
    );
    assert!(
        !missing.exists(),
        "a failed command created the data folder"
    );
    assert!(!temp.path().join("out.jsonl").exists());
}

#[test]
fn demo_serves_the_matter_and_leaves_an_installation() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("demo");
    let port = free_port();
    let mut child = command(&data)
        .args(["demo", "--port", &port.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the demo starts");
    let stdout = child.stdout.take().unwrap();
    let demo = KillOnDrop(child);
    let (sender, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let next_line = || {
        lines
            .recv_timeout(Duration::from_secs(120))
            .expect("the demo prints its address and credentials within two minutes")
    };
    let expected = format!("Amparo is running at http://127.0.0.1:{port}/");
    loop {
        let line = next_line();
        if line.starts_with("Amparo is running at ") {
            assert_eq!(line, expected);
            break;
        }
    }
    let sign_in = next_line();
    let (name, password) = sign_in
        .strip_prefix("Sign in as ")
        .and_then(|rest| rest.split_once(" with password "))
        .unwrap_or_else(|| panic!("not a sign-in line: {sign_in:?}"));
    assert_eq!(name, "admin");
    assert!(
        password.len() >= 12 && !password.contains(' '),
        "{password:?}"
    );

    let health = http(port, "GET", "/health", &[], "");
    assert_eq!(health.status, 200, "{}", health.body);
    assert!(health.body.contains("ok"), "{}", health.body);

    let anonymous = http(port, "GET", "/", &[], "");
    assert!(
        [302, 303, 307].contains(&anonymous.status),
        "GET / without a session: {} {}",
        anonymous.status,
        anonymous.body
    );
    assert_eq!(anonymous.header("location"), Some("/login"));

    // The sign-in form carries a token that must come back with its cookie.
    let login_form = || {
        let page = http(port, "GET", "/login", &[], "");
        let cookie = page
            .header("set-cookie")
            .and_then(|value| value.split(';').next())
            .expect("the sign-in page sets its token cookie")
            .to_owned();
        let marker = "name=\"csrf\" value=\"";
        let start = page.body.find(marker).expect("a csrf field") + marker.len();
        let token = page.body[start..].split('"').next().unwrap().to_owned();
        (cookie, token)
    };
    let (login_cookie, token) = login_form();
    let form = [
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("Cookie", login_cookie.as_str()),
    ];
    let body = format!(
        "username={}&password={}&csrf={token}",
        form_encode(name),
        form_encode(password)
    );
    let signed_in = http(port, "POST", "/login", &form, &body);
    assert!(
        [302, 303].contains(&signed_in.status),
        "sign-in: {}",
        signed_in.status
    );
    assert_eq!(signed_in.header("location"), Some("/"));
    let set_cookie = signed_in.header("set-cookie").expect("a session cookie");
    assert!(set_cookie.starts_with("amparo_session="), "{set_cookie}");
    let attributes: Vec<&str> = set_cookie.split(';').map(str::trim).collect();
    assert!(attributes.contains(&"HttpOnly"), "{set_cookie}");
    assert!(attributes.contains(&"SameSite=Strict"), "{set_cookie}");
    let cookie = attributes[0];
    assert!(cookie.len() > "amparo_session=".len() + 16, "{set_cookie}");

    let overview = http(port, "GET", "/persons", &[("Cookie", cookie)], "");
    assert_eq!(overview.status, 200, "{}", overview.body);
    assert!(
        overview
            .header("content-type")
            .is_some_and(|value| value.starts_with("text/html")),
        "{:?}",
        overview.headers
    );
    assert!(overview.body.contains("P-0001"), "{}", overview.body);

    let (login_cookie, token) = login_form();
    let form = [
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("Cookie", login_cookie.as_str()),
    ];
    let body = format!(
        "username={}&password=not-the-password&csrf={token}",
        form_encode(name)
    );
    let refused = http(port, "POST", "/login", &form, &body);
    assert_eq!(refused.status, 401);
    assert!(
        !refused
            .headers
            .iter()
            .any(|(name, value)| name == "set-cookie" && value.starts_with("amparo_session=")),
        "a refused sign-in starts no session: {:?}",
        refused.headers
    );
    assert!(
        refused.body.contains("Wrong user name or password"),
        "{}",
        refused.body
    );

    drop(demo);

    let persons = ok_json(&data, &["record", "list", "person", "--json"]);
    let persons = persons.as_array().expect("a JSON array");
    assert!(persons.len() >= 30, "only {} persons", persons.len());
    for person in persons {
        assert_eq!(person["kind"], "person", "{person:#}");
    }

    let history = ok(&data, &["record", "history", "person", "P-0001"]);
    let mut history_lines = history.lines();
    let heading = history_lines.next().unwrap_or_default();
    assert!(
        heading.starts_with("person ") && heading.contains(" version(s)"),
        "{history}"
    );
    assert!(
        history_lines
            .next()
            .is_some_and(|line| line.starts_with("v1  ")),
        "{history}"
    );
    let history = ok_json(&data, &["record", "history", "person", "P-0001", "--json"]);
    let history = history.as_array().expect("a JSON array");
    assert!(!history.is_empty());
    assert_eq!(history[0]["version"], 1);
    assert_eq!(history[0]["record"]["pseudonym"], "P-0001");

    let shown = ok_json(&data, &["record", "show", "person", "P-0001", "--json"]);
    assert_eq!(shown["kind"], "person");
    assert_eq!(shown["record"]["pseudonym"], "P-0001");
    assert_eq!(shown["id"], history[0]["id"]);

    let timeline = ok(&data, &["timeline", "P-0001"]);
    let mut timeline_lines = timeline.lines();
    assert_eq!(
        timeline_lines.next(),
        Some("Custody timeline of P-0001"),
        "{timeline}"
    );
    assert!(timeline_lines.next().is_some(), "{timeline}");
}

#[test]
fn bad_input_is_refused_with_a_clear_message_and_changes_nothing() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    init(&data);
    let person = create(&data, "person", &json!({"pseudonym": ""}));
    let person_id = person["id"].as_str().unwrap().to_owned();
    assert_eq!(person["record"]["pseudonym"], "P-0001");
    let evidence = temp.path().join("statement.txt");
    std::fs::write(&evidence, "A statement.").unwrap();
    ok(&data, &["capture", path_str(&evidence)]);
    let good_export = temp.path().join("good.jsonl");
    ok(&data, &["export", "-o", path_str(&good_export)]);

    let records_before = all_records(&data);
    let blobs_before = blob_files(&data);
    let write = |name: &str, text: &str| {
        let path = temp.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };

    let stderr = fails(&data, &["record", "list", "persn"]);
    assert!(
        stderr.contains("\"persn\" is not a record type"),
        "{stderr}"
    );
    for kind in KINDS {
        assert!(stderr.contains(kind), "{kind} is not listed in: {stderr}");
    }

    let period = |status: &str, start: &str, end: &str| json!({"person_id": person_id, "status": status, "period": {"start": start, "end": end}});
    let file = write_json(
        temp.path(),
        "ends-early.json",
        &period("in-immigration-custody", "2025-03-15", "2025-03-01"),
    );
    let stderr = fails(
        &data,
        &["record", "create", "custody-period", path_str(&file)],
    );
    assert!(stderr.contains("period.end"), "{stderr}");
    assert!(stderr.contains("before the start"), "{stderr}");

    let hearing = json!({"kind": "status-conference", "starts_at": "2025-06-02T09:00:00-05:00", "location": "Courtroom 4"});
    let file = write_json(temp.path(), "hearing.json", &hearing);
    let stderr = fails(&data, &["record", "create", "hearing", path_str(&file)]);
    assert!(stderr.contains("proceeding_id"), "{stderr}");

    let file = write_json(
        temp.path(),
        "jailed.json",
        &period("jailed", "2025-03-01", "2025-03-15"),
    );
    let stderr = fails(
        &data,
        &["record", "create", "custody-period", path_str(&file)],
    );
    assert!(stderr.contains("\"jailed\""), "{stderr}");
    assert!(stderr.contains("custody-status"), "{stderr}");

    let file = write("broken.json", "{\"pseudonym\": \"P-0002\",");
    let stderr = fails(&data, &["record", "create", "person", path_str(&file)]);
    assert!(stderr.contains("broken.json is not valid JSON"), "{stderr}");

    let url = format!("http://127.0.0.1:{}/x", free_port());
    let stderr = fails(&data, &["capture", &url]);
    assert!(stderr.contains(&url), "{stderr}");
    assert!(stderr.contains("fetch.allow"), "{stderr}");

    let stderr = fails(&data, &["capture", "/no/such/file"]);
    assert!(stderr.contains("/no/such/file"), "{stderr}");
    assert!(stderr.contains("No such file"), "{stderr}");

    let stderr = fails(&data, &["capture", "ftp://example.org/x"]);
    assert!(stderr.contains("ftp"), "{stderr}");
    assert!(stderr.contains("only http and https"), "{stderr}");

    let good = std::fs::read_to_string(&good_export).unwrap();
    let mut lines: Vec<&str> = good.lines().collect();
    assert!(lines.len() >= 4, "{good}");
    lines[2] = "{\"type\": \"version\", \"this is\": \"not a version\"}";
    let corrupt = write("corrupt.jsonl", &(lines.join("\n") + "\n"));
    std::fs::rename(
        temp.path().join("good.jsonl.blobs"),
        temp.path().join("corrupt.jsonl.blobs"),
    )
    .unwrap();
    let stderr = fails(&data, &["import", path_str(&corrupt)]);
    assert!(stderr.contains("line 3"), "{stderr}");
    assert!(stderr.contains("nothing was imported"), "{stderr}");

    let stderr = fails(&data, &["record", "show", "person", "12345"]);
    assert!(stderr.contains("\"12345\""), "{stderr}");
    assert!(stderr.contains("record id"), "{stderr}");

    let file = write_json(
        temp.path(),
        "update.json",
        &json!({"pseudonym": "P-0001", "notes": "stale"}),
    );
    let stderr = fails(
        &data,
        &[
            "record",
            "update",
            "person",
            &person_id,
            "--version",
            "99",
            path_str(&file),
        ],
    );
    assert!(stderr.contains("changed by someone else"), "{stderr}");
    assert!(stderr.contains("expected 99"), "{stderr}");

    assert_eq!(
        all_records(&data),
        records_before,
        "a refused command changed records"
    );
    assert_eq!(
        blob_files(&data),
        blobs_before,
        "a refused command changed blobs"
    );
}

#[test]
fn a_failed_capture_is_reported_and_the_others_still_captured() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    init(&data);
    let good = temp.path().join("good.txt");
    std::fs::write(&good, "kept").unwrap();
    let folder = temp.path().join("a-folder");
    std::fs::create_dir(&folder).unwrap();
    let args = [
        "capture",
        "--json",
        "/no/such/file",
        path_str(&good),
        path_str(&folder),
    ];
    let output = amparo(&data, &args);
    assert!(!output.status.success(), "{}", describe(&args, &output));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.starts_with("error: /no/such/file: "), "{stderr}");
    assert!(stderr.contains("is not a regular file"), "{stderr}");
    assert!(stderr.contains("2 of 3 capture(s) failed"), "{stderr}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    let reported = parse_json(lines[0]);
    assert_eq!(reported["target"], path_str(&good));
    assert_eq!(reported["size"], 4);
    let captures = ok_json(&data, &["record", "list", "capture", "--json"]);
    assert_eq!(captures.as_array().map(Vec::len), Some(1), "{captures:#}");
    assert_eq!(captures[0]["id"], reported["id"]);
    assert_eq!(captures[0]["record"]["sha256"], reported["sha256"]);
}

#[test]
fn a_refused_person_does_not_use_up_a_pseudonym_code() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    init(&data);
    let refused = json!({"pseudonym": "", "nationalities": ["venezuela"]});
    let file = write_json(temp.path(), "refused.json", &refused);
    let stderr = fails(&data, &["record", "create", "person", path_str(&file)]);
    assert!(stderr.contains("nationalities[0]"), "{stderr}");
    // The first person of an installation is P-0001 however many attempts were refused.
    // FIXME: fails today: `write_record` (crates/amparo-app/src/records.rs) draws the code from
    // the sequence in `settle_pseudonym` before `check_record` refuses the person, so a refused
    // create leaves a gap (the first person becomes P-0002).
    let created = create(&data, "person", &json!({"pseudonym": ""}));
    assert_eq!(created["record"]["pseudonym"], "P-0001");
}

#[test]
fn create_update_delete_keeps_every_version() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    init(&data);
    let created = create(
        &data,
        "person",
        &json!({"pseudonym": "", "nationalities": ["SV"]}),
    );
    assert_eq!(created["version"], 1);
    let id = created["id"].as_str().unwrap().to_owned();
    let pseudonym = created["record"]["pseudonym"].as_str().unwrap().to_owned();

    let change = json!({"pseudonym": pseudonym, "is_group": false, "nationalities": ["SV"], "notes": "Seen at the border crossing."});
    let file = write_json(temp.path(), "change.json", &change);
    let stdout = ok(
        &data,
        &[
            "record",
            "update",
            "person",
            &id,
            "--version",
            "1",
            path_str(&file),
        ],
    );
    assert_eq!(stdout.trim(), format!("updated person {id} to version 2"));
    let shown = ok_json(&data, &["record", "show", "person", &pseudonym, "--json"]);
    assert_eq!(shown["version"], 2);
    assert_eq!(shown["record"], change);

    let stdout = ok(
        &data,
        &["record", "delete", "person", &id, "--version", "2"],
    );
    assert!(
        stdout.starts_with(&format!("deleted person {id}")),
        "{stdout}"
    );

    let history = ok_json(&data, &["record", "history", "person", &id, "--json"]);
    let history = history.as_array().expect("a JSON array");
    let versions: Vec<(u64, bool)> = history
        .iter()
        .map(|version| {
            (
                version["version"].as_u64().unwrap(),
                version["deleted"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(versions, [(1, false), (2, false), (3, true)]);
    assert_eq!(history[0]["record"], created["record"]);
    assert_eq!(history[1]["record"], change);
    assert_eq!(history[2]["record"], Value::Null);
    let text = ok(&data, &["record", "history", "person", &id]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], format!("person {id}: 3 version(s)"));
    assert!(
        lines[1].starts_with("v1 ") && lines[1].ends_with(&format!("created: {pseudonym}")),
        "{text}"
    );
    assert!(
        lines[2].starts_with("v2 ") && lines[2].ends_with(&format!("changed: {pseudonym}")),
        "{text}"
    );
    assert!(
        lines[3].starts_with("v3 ") && lines[3].ends_with("deleted"),
        "{text}"
    );

    let stderr = fails(&data, &["record", "show", "person", &id]);
    assert!(
        stderr.contains(&format!("there is no person with id {id}")),
        "{stderr}"
    );
    assert_eq!(
        ok_json(&data, &["record", "list", "person", "--json"]),
        json!([])
    );
}

#[test]
fn export_then_import_reproduces_every_record_and_blob() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    init(&data);
    let first = create(
        &data,
        "person",
        &json!({"pseudonym": "", "nationalities": ["VE"]}),
    );
    let second = create(
        &data,
        "person",
        &json!({"pseudonym": "", "is_group": true, "group_size": 3}),
    );
    let first_id = first["id"].as_str().unwrap();
    let second_id = second["id"].as_str().unwrap();
    create(
        &data,
        "custody-period",
        &json!({"person_id": first_id, "status": "in-immigration-custody", "period": {"start": "2025-03-15"}}),
    );
    let change = json!({"pseudonym": "P-0001", "nationalities": ["VE"], "notes": "Transferred."});
    let file = write_json(temp.path(), "change.json", &change);
    ok(
        &data,
        &[
            "record",
            "update",
            "person",
            first_id,
            "--version",
            "1",
            path_str(&file),
        ],
    );
    ok(
        &data,
        &["record", "delete", "person", second_id, "--version", "1"],
    );
    let mut files = Vec::new();
    for (name, bytes) in [
        (
            "statement.txt",
            b"The family last heard from him on 15 March.".to_vec(),
        ),
        ("photo.bin", (0..=255u8).cycle().take(70_000).collect()),
        ("empty.txt", Vec::new()),
    ] {
        let path = temp.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        files.push(path);
    }
    let mut capture = vec!["capture", "--note", "from the family"];
    capture.extend(files.iter().map(|path| path_str(path)));
    ok(&data, &capture);

    let export = temp.path().join("export.jsonl");
    let stdout = ok(&data, &["export", "-o", path_str(&export)]);
    assert!(stdout.contains("and 3 blobs"), "{stdout}");
    let copy = temp.path().join("copy");
    let output = amparo(&copy, &["import", path_str(&export)]);
    assert!(
        output.status.success(),
        "{}",
        describe(&["import"], &output)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("Created a new installation"));

    let original = all_records(&data);
    assert_eq!(original["person"].as_array().map(Vec::len), Some(1));
    assert_eq!(original["capture"].as_array().map(Vec::len), Some(3));
    assert_eq!(all_records(&copy), original);
    for (kind, id) in [("person", first_id), ("person", second_id)] {
        let args = ["record", "history", kind, id, "--json"];
        assert_eq!(
            ok_json(&copy, &args),
            ok_json(&data, &args),
            "history of {kind} {id}"
        );
    }

    // The copy's blobs read back the same, and it goes on numbering pseudonyms after P-0002.
    let again = temp.path().join("again.jsonl");
    ok(&copy, &["export", "-o", path_str(&again)]);
    assert_eq!(export_blobs(&again), export_blobs(&export));
    let third = create(&copy, "person", &json!({"pseudonym": ""}));
    assert_eq!(third["record"]["pseudonym"], "P-0003");

    // Importing again into an installation that holds the records refuses, changing nothing.
    let before = all_records(&copy);
    let stderr = fails(&copy, &["import", path_str(&export)]);
    assert!(stderr.contains("already exists here"), "{stderr}");
    assert_eq!(all_records(&copy), before);
}

#[test]
fn gc_removes_exactly_a_planted_orphan_blob() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    init(&data);
    let mut targets = Vec::new();
    for (name, text) in [("a.txt", "first statement"), ("b.txt", "second statement")] {
        let path = temp.path().join(name);
        std::fs::write(&path, text).unwrap();
        targets.push(path);
    }
    ok(
        &data,
        &["capture", path_str(&targets[0]), path_str(&targets[1])],
    );
    let before = blob_files(&data);
    assert_eq!(before.len(), 2, "{:?}", before.keys());
    let (existing, bytes) = before.iter().next().unwrap();
    let existing_name = existing.rsplit('/').next().unwrap();
    assert!(is_hex64(existing_name), "{existing}");
    let shard = if existing_name.starts_with("ab") {
        "cd"
    } else {
        "ab"
    };
    let orphan_name = format!("{shard}{}", &existing_name[2..]);
    assert!(is_hex64(&orphan_name));
    std::fs::create_dir_all(data.join("blobs").join(shard)).unwrap();
    let orphan = data.join("blobs").join(shard).join(&orphan_name);
    std::fs::write(&orphan, bytes).unwrap();

    // By default a young orphan is kept: a capture may be committing its record right now.
    let stdout = ok(&data, &["gc"]);
    assert!(!stdout.contains("removed unreferenced blob"), "{stdout}");
    assert!(
        stdout.contains("examined 3 blobs: 2 referenced, 0 removed, 1 unreferenced"),
        "{stdout}"
    );
    assert!(orphan.exists());

    let stdout = ok(&data, &["gc", "--min-age", "0"]);
    let removed: Vec<&str> = stdout
        .lines()
        .filter_map(|line| line.strip_prefix("removed unreferenced blob "))
        .collect();
    assert_eq!(removed, [orphan_name.as_str()], "{stdout}");
    assert!(
        stdout.contains("examined 3 blobs: 2 referenced, 1 removed"),
        "{stdout}"
    );
    assert!(!orphan.exists());
    assert_eq!(blob_files(&data), before, "gc touched a referenced blob");

    let export = temp.path().join("export.jsonl");
    ok(&data, &["export", "-o", path_str(&export)]);
    let mut exported: Vec<Vec<u8>> = export_blobs(&export).into_values().collect();
    exported.sort();
    let mut originals: Vec<Vec<u8>> = targets
        .iter()
        .map(|path| std::fs::read(path).unwrap())
        .collect();
    originals.sort();
    assert_eq!(exported, originals);
}

/// `amparo search` finds records (real names included, as the command line is an
/// administrator), prints JSON, refuses bad input clearly, and `amparo index rebuild` remakes
/// the index to the same answers.
#[test]
fn search_finds_records_and_a_rebuilt_index_answers_the_same() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    init(&data);
    let case = create(&data, "case", &json!({"title": "Vuelos a El Salvador"}));
    let case_id = case["id"].as_str().unwrap().to_owned();
    create(
        &data,
        "event",
        &json!({
            "title": "Deportación de 238 venezolanos",
            "description": "Trasladados a la prisión de máxima seguridad.",
            "period": {"start": "2025-03-15"},
            "violation_types": ["arbitrary-detention"],
            "case_ids": [case_id],
        }),
    );
    create(
        &data,
        "person",
        &json!({
            "case_ids": [case_id],
            "sensitive": {"full_name": "Wenceslao Quintanilla"},
        }),
    );
    let found = ok_json(&data, &["search", "deportacion", "--json"]);
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["hits"][0]["kind"], "event");
    assert!(
        found["hits"][0]["snippet"]["html"]
            .as_str()
            .unwrap()
            .contains("<b>Deportación</b>"),
        "{found}"
    );
    let by_name = ok_json(&data, &["search", "Quintanilla", "--json"]);
    assert_eq!(by_name["total"], 1, "{by_name}");
    assert_eq!(by_name["hits"][0]["kind"], "person");
    let text = ok(&data, &["search", "prisión", "--year", "2025"]);
    assert!(text.contains("1 record match"), "{text}");
    assert!(text.contains("[prisión]"), "{text}");
    let filtered = ok_json(
        &data,
        &["search", "", "--violation", "arbitrary-detention", "--json"],
    );
    assert_eq!(filtered["total"], 1, "{filtered}");
    assert_eq!(filtered["facets"]["kind"][0]["value"], "event");

    let before = ok_json(&data, &["search", "", "--per-page", "200", "--json"]);
    let rebuilt = ok_json(&data, &["index", "rebuild", "--json"]);
    assert_eq!(rebuilt["records"], 3, "{rebuilt}");
    let after = ok_json(&data, &["search", "", "--per-page", "200", "--json"]);
    let without_scores = |page: &Value| {
        let mut page = page.clone();
        for hit in page["hits"].as_array_mut().unwrap() {
            hit.as_object_mut().unwrap().remove("score");
        }
        page
    };
    assert_eq!(without_scores(&after), without_scores(&before));

    for (args, expected) in [
        (vec!["search", "x", "--sort", "random"], "sort"),
        (vec!["search", "x", "--kind", "spaceship"], "kind"),
        (vec!["search", "x", "--from", "yesterday"], "from"),
    ] {
        let stderr = fails(&data, &args);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    let long = "palabra ".repeat(1_300);
    let stderr = fails(&data, &["search", &long]);
    assert!(stderr.contains("characters"), "{stderr}");
}
