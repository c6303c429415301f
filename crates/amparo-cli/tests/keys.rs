//! `amparo key status` and `amparo key rotate`, and opening an installation protected by a
//! passphrase from the command line (issue 7, point 3).

mod common;

use std::path::Path;
use std::process::Output;

use common::command;

fn run(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut amparo = command(Some(dir));
    for (name, value) in env {
        amparo.env(name, value);
    }
    amparo.args(args).output().expect("the amparo binary runs")
}

fn succeeds(output: &Output) -> String {
    assert!(
        output.status.success(),
        "failed with {}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn fails_saying(output: &Output, message: &str) {
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(message),
        "expected {message:?} in:\n{stderr}"
    );
}

#[test]
fn passphrase_installation_is_opened_rotated_and_refuses_old_keys() {
    let temporary = tempfile::tempdir().unwrap();
    let data = temporary.path().join("data");
    let one = [("AMPARO_PASSPHRASE", "first passphrase")];
    succeeds(&run(&data, &one, &["init", "--passphrase"]));
    assert!(!data.join("installation.key").exists());

    let status = succeeds(&run(&data, &one, &["key", "status", "--json"]));
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(status["source"], "passphrase");
    assert_eq!(status["generation"], 1);

    fails_saying(
        &run(&data, &[], &["key", "status"]),
        "protected by a passphrase",
    );
    fails_saying(
        &run(
            &data,
            &[("AMPARO_PASSPHRASE", "a wrong guess")],
            &["key", "status"],
        ),
        "the passphrase does not open this installation",
    );

    let rotate = [
        ("AMPARO_PASSPHRASE", "first passphrase"),
        ("AMPARO_NEW_PASSPHRASE", "second passphrase"),
    ];
    let out = succeeds(&run(&data, &rotate, &["key", "rotate", "--passphrase"]));
    // blob, blob-name, log-signing, log-salts and secrets.
    assert!(out.contains("Re-wrapped 5 data keys"), "{out}");
    fails_saying(
        &run(&data, &one, &["key", "status"]),
        "the passphrase does not open this installation",
    );
    let two = [("AMPARO_PASSPHRASE", "second passphrase")];
    succeeds(&run(&data, &two, &["key", "status"]));

    // To a key file, which then opens the installation.
    let key_file = temporary.path().join("amparo.key");
    let key_arg = key_file.to_str().unwrap();
    succeeds(&run(&data, &two, &["key", "rotate", "--key-file", key_arg]));
    let status = succeeds(&run(
        &data,
        &[("AMPARO_KEY_FILE", key_arg)],
        &["key", "status", "--json"],
    ));
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(status["source"], "key-file");
    assert_eq!(status["generation"], 3);
}

#[test]
fn a_default_installation_opens_with_its_key_file_and_shows_its_keys() {
    let temporary = tempfile::tempdir().unwrap();
    let data = temporary.path().join("data");
    succeeds(&run(&data, &[], &["init"]));
    assert!(data.join("installation.key").is_file());
    let out = succeeds(&run(&data, &[], &["key", "status"]));
    assert!(out.contains("Installation key: key-file"), "{out}");
    assert!(
        out.contains("Data keys for blob: 1 live, 0 destroyed"),
        "{out}"
    );
    let old_key = std::fs::read(data.join("installation.key")).unwrap();
    succeeds(&run(&data, &[], &["key", "rotate"]));
    assert_ne!(
        std::fs::read(data.join("installation.key")).unwrap(),
        old_key
    );
    succeeds(&run(&data, &[], &["key", "status"]));
}

#[test]
fn purge_destroys_one_versions_sensitive_fields() {
    let temporary = tempfile::tempdir().unwrap();
    let data = temporary.path().join("data");
    succeeds(&run(&data, &[], &["init"]));
    let person = temporary.path().join("person.json");
    std::fs::write(
        &person,
        r#"{"pseudonym": "", "sensitive": {"full_name": "Withdrawn Name"}}"#,
    )
    .unwrap();
    let created = succeeds(&run(
        &data,
        &[],
        &[
            "record",
            "create",
            "person",
            person.to_str().unwrap(),
            "--json",
        ],
    ));
    let created: serde_json::Value = serde_json::from_str(&created).unwrap();
    let id = created["id"].as_str().expect("an id").to_owned();
    let out = succeeds(&run(
        &data,
        &[],
        &["key", "purge", "person", &id, "--version", "1"],
    ));
    assert!(out.contains("Purged"), "{out}");
    let shown = succeeds(&run(&data, &[], &["record", "show", "person", &id]));
    assert!(!shown.contains("Withdrawn Name"), "{shown}");
    let again = succeeds(&run(
        &data,
        &[],
        &["key", "purge", "person", &id, "--version", "1"],
    ));
    assert!(again.contains("no sensitive fields left"), "{again}");
    succeeds(&run(&data, &[], &["log", "check"]));
}
