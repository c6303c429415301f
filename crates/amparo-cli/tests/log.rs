//! The evidence log from the command line: `log check`, `log proof`, `log consistency`,
//! `log checkpoint`, `bundle create|verify`, `proof verify`, the checkpoint every writing
//! command signs, and the one `serve` signs on its timer.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

mod common;

use common::{amparo, amparo_ok};

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

fn describe(args: &[&str], output: &Output) -> String {
    format!(
        "amparo {args:?} exited with {}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// `amparo log check --json`, which must pass.
fn log_check(data: &Path) -> Value {
    let output = amparo_ok(data, &["log", "check", "--json"]);
    serde_json::from_slice(&output.stdout).expect("JSON")
}

/// Runs `amparo ARGS…` with no installation at all: no `--data`, no `AMPARO_DATA`, and a home
/// folder that does not exist, so that opening an installation would fail.
fn without_installation(home: &Path, args: &[&str]) -> Output {
    common::command(None)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("share"))
        .args(args)
        .output()
        .expect("the amparo binary runs")
}

/// Creates an installation and captures two files; returns the capture ids.
fn installation_with_captures(temp: &Path, data: &Path) -> Vec<String> {
    amparo_ok(data, &["init"]);
    let mut targets = Vec::new();
    for (name, size) in [("acta.pdf", 5_000usize), ("video.mp4", 70_000)] {
        let path = temp.join(name);
        let bytes: Vec<u8> = (0..size)
            .map(|i| (i * 7 % 251) as u8 ^ name.len() as u8)
            .collect();
        std::fs::write(&path, bytes).unwrap();
        targets.push(path);
    }
    let output = amparo_ok(
        data,
        &[
            "capture",
            "--json",
            path_str(&targets[0]),
            path_str(&targets[1]),
        ],
    );
    stdout(&output)
        .lines()
        .map(|line| {
            let value: Value = serde_json::from_str(line).expect("a JSON line");
            value["id"].as_str().expect("an id").to_owned()
        })
        .collect()
}

#[test]
fn log_check_counts_the_leaves_and_every_write_ends_signed() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    let ids = installation_with_captures(temp.path(), &data);
    assert_eq!(ids.len(), 2);

    // The administrator's user record and its audit event, then two captures; the capture run
    // signed a checkpoint covering both, although the second came within the checkpoint
    // interval.
    let report = log_check(&data);
    assert_eq!(report["intact"], true, "{report}");
    assert_eq!(report["leaves"], 4, "{report}");
    assert_eq!(
        report["by_kind"],
        json!({"capture": 2, "record_version": 1, "export": 0, "audit": 1})
    );
    assert_eq!(report["opened"], 4, "{report}");
    assert_eq!(report["latest_size"], 4, "{report}");
    assert_eq!(report["problems"], json!([]));
    let text = stdout(&amparo_ok(&data, &["log", "check"]));
    assert!(text.contains("The evidence log is intact."), "{text}");

    // Reads sign nothing; a record created from the command line ends signed.
    let checkpoints = report["checkpoints"].clone();
    amparo_ok(&data, &["record", "list", "capture"]);
    assert_eq!(log_check(&data)["checkpoints"], checkpoints);
    let body = temp.path().join("case.json");
    std::fs::write(&body, r#"{"title": "Transfers to CECOT"}"#).unwrap();
    amparo_ok(&data, &["record", "create", "case", path_str(&body)]);
    let report = log_check(&data);
    assert_eq!(report["leaves"], 5, "{report}");
    assert_eq!(report["latest_size"], 5, "{report}");

    // `log checkpoint` prints the signed note exactly as signed, and signs nothing new.
    let note = stdout(&amparo_ok(&data, &["log", "checkpoint"]));
    let lines: Vec<&str> = note.lines().collect();
    assert!(lines[0].starts_with("amparo.local/"), "{note}");
    assert_eq!(lines[1], "5", "{note}");
    assert_eq!(lines[3], "", "{note}");
    assert!(lines[4].starts_with("\u{2014} amparo.local/"), "{note}");
    assert!(note.ends_with('\n'), "{note:?}");
    assert_eq!(log_check(&data)["checkpoints"], report["checkpoints"]);
}

#[test]
fn bundles_verify_against_the_right_key_only() {
    let temp = tempfile::tempdir().unwrap();
    let home = temp.path().join("no-home");
    let data = temp.path().join("data");
    let ids = installation_with_captures(temp.path(), &data);
    let key = stdout(&amparo_ok(&data, &["log", "key"])).trim().to_owned();
    let bundle = temp.path().join("video.zip");
    let created = stdout(&amparo_ok(
        &data,
        &["bundle", "create", &ids[1], "-o", path_str(&bundle)],
    ));
    assert!(
        // Leaf 3 of 5: the administrator, its audit event, two captures, and the audit event
        // of this bundle's download.
        created.contains("leaf 3 in the signed checkpoint of 5 leaves"),
        "{created}"
    );
    assert!(
        created.contains("evidence: 70000 bytes, sha256 "),
        "{created}"
    );
    assert!(
        created.contains(&format!("verifier key: {key}")),
        "{created}"
    );

    let verify = |args: &[&str], code: i32| -> String {
        let mut all = vec!["bundle", "verify"];
        all.extend_from_slice(args);
        let output = without_installation(&home, &all);
        assert_eq!(
            output.status.code(),
            Some(code),
            "{}",
            describe(&all, &output)
        );
        stdout(&output) + &String::from_utf8_lossy(&output.stderr)
    };
    let bundle_arg = path_str(&bundle);

    let verified = verify(&[bundle_arg, "--key", &key], 0);
    assert!(verified.contains("Result: VERIFIED."), "{verified}");
    let key_file = temp.path().join("key.txt");
    std::fs::write(&key_file, format!("\n{key}\n")).unwrap();
    verify(
        &[bundle_arg, "--key", &format!("@{}", path_str(&key_file))],
        0,
    );

    // Without a key every check passes, but the report says plainly that the key was not
    // checked and shows the key the bundle carries.
    let unchecked = verify(&[bundle_arg], 3);
    assert!(
        unchecked.contains("key                            not checked"),
        "{unchecked}"
    );
    assert!(unchecked.contains(&key), "{unchecked}");
    assert!(
        unchecked.contains("VERIFIED, EXCEPT THE KEY"),
        "{unchecked}"
    );

    // Another installation's key fails.
    let other = temp.path().join("other");
    amparo_ok(&other, &["init"]);
    let other_key = stdout(&amparo_ok(&other, &["log", "key"]))
        .trim()
        .to_owned();
    assert_ne!(other_key, key);
    let refused = verify(&[bundle_arg, "--key", &other_key], 1);
    assert!(refused.contains("Result: FAILED."), "{refused}");

    // One bit flipped inside the evidence bytes (stored uncompressed) fails, key or not.
    let mut bytes = std::fs::read(&bundle).unwrap();
    let evidence: Vec<u8> = std::fs::read(temp.path().join("video.mp4")).unwrap();
    let start = bytes
        .windows(64)
        .position(|window| window == &evidence[..64])
        .expect("the evidence is stored as is");
    bytes[start + 35_000] ^= 0x01;
    let tampered = temp.path().join("tampered.zip");
    std::fs::write(&tampered, &bytes).unwrap();
    let failed = verify(&[path_str(&tampered), "--key", &key], 1);
    assert!(failed.contains("FAILED"), "{failed}");
    verify(&[path_str(&tampered)], 1);

    // What cannot be read is not verified.
    let missing = verify(
        &[path_str(&temp.path().join("missing.zip")), "--key", &key],
        1,
    );
    assert!(
        missing.contains("error: could not read the bundle"),
        "{missing}"
    );
    verify(&[path_str(temp.path()), "--key", &key], 1);
    let no_key_file = verify(&[bundle_arg, "--key", "@/nonexistent/key.txt"], 1);
    assert!(
        no_key_file.contains("could not read the verifier key"),
        "{no_key_file}"
    );
}

#[test]
fn printed_proofs_verify_without_an_installation() {
    let temp = tempfile::tempdir().unwrap();
    let home = temp.path().join("no-home");
    let data = temp.path().join("data");
    let ids = installation_with_captures(temp.path(), &data);
    let write = |name: &str, text: &str| -> PathBuf {
        let path = temp.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let proof_verify = |path: &Path, code: i32| -> String {
        let args = ["proof", "verify", path_str(path)];
        let output = without_installation(&home, &args);
        assert_eq!(
            output.status.code(),
            Some(code),
            "{}",
            describe(&args, &output)
        );
        stdout(&output) + &String::from_utf8_lossy(&output.stderr)
    };

    let inclusion = stdout(&amparo_ok(&data, &["log", "proof", "--index", "2"]));
    let parsed: Value = serde_json::from_str(&inclusion).expect("JSON");
    assert_eq!(parsed["leafIdx"], 2);
    assert_eq!(parsed["treeSize"], 4);
    let valid = proof_verify(&write("inclusion.json", &inclusion), 0);
    assert!(valid.starts_with("valid inclusion proof"), "{valid}");
    let by_capture = stdout(&amparo_ok(&data, &["log", "proof", "--capture", &ids[0]]));
    assert_eq!(
        by_capture, inclusion,
        "the first capture is leaf 2, after the administrator and its audit event"
    );

    // Another root: well formed, but not proven.
    let mut modified = parsed.clone();
    modified["root"] = parsed["leafHash"].clone();
    let invalid = proof_verify(&write("modified.json", &modified.to_string()), 1);
    assert!(invalid.starts_with("INVALID inclusion proof"), "{invalid}");

    let garbage = proof_verify(&write("garbage.json", "this is not JSON"), 2);
    assert!(
        garbage.contains("error: proof is not a JSON object"),
        "{garbage}"
    );
    proof_verify(&write("object.json", r#"{"leafIdx": 1}"#), 2);
    proof_verify(&temp.path().join("missing.json"), 2);

    let consistency = stdout(&amparo_ok(&data, &["log", "consistency", "1", "3"]));
    let valid = proof_verify(&write("consistency.json", &consistency), 0);
    assert!(valid.starts_with("valid consistency proof"), "{valid}");
    let latest = stdout(&amparo_ok(&data, &["log", "consistency", "2"]));
    proof_verify(&write("latest.json", &latest), 0);

    // Standard input works too.
    let mut child = common::command(None)
        .env("HOME", &home)
        .args(["proof", "verify", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), inclusion.as_bytes()).unwrap();
    assert!(child.wait_with_output().unwrap().status.success());

    let outside = amparo(&data, &["log", "proof", "--index", "4"]);
    assert!(!outside.status.success(), "{}", describe(&[], &outside));
}

/// A child process killed when the test ends, even by a failed assertion.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn serve_signs_what_its_writes_add_within_the_interval() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    amparo_ok(&data, &["init"]);
    let created = stdout(&amparo_ok(
        &data,
        &["token", "create", "admin", "--scope", "records:write"],
    ));
    let token = created
        .lines()
        .find_map(|line| line.strip_prefix("Token: "))
        .expect("a token")
        .to_owned();
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .unwrap();
    let listen = format!("127.0.0.1:{port}");
    let _server = KillOnDrop(
        common::command(Some(&data))
            .args(["serve", "--listen", &listen])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(&listen).is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    // The first write signs at once; the second, within the interval, waits for the timer.
    for title in ["first", "second"] {
        let body = json!({ "title": title }).to_string();
        let mut stream = TcpStream::connect(&listen).unwrap();
        write!(
            stream,
            "POST /api/v1/records/case HTTP/1.1\r\nHost: {listen}\r\nConnection: close\r\n\
             Authorization: Bearer {token}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        assert!(response.starts_with("HTTP/1.1 201"), "{response}");
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let report = log_check(&data);
        // The administrator, its audit event and the two cases.
        if report["latest_size"] == report["leaves"] && report["leaves"] == 4 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no checkpoint covers the writes: {report}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}
