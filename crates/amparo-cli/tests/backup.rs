//! `amparo backup`, `amparo restore`, `amparo key shares` and `amparo key recover` (issue 7,
//! point 6).

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

use common::{amparo, amparo_ok, command};

fn run(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut amparo = command(Some(dir));
    for (name, value) in env {
        amparo.env(name, value);
    }
    amparo.args(args).output().expect("the amparo binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn fails_saying(output: &Output, message: &str) {
    assert!(!output.status.success(), "{}", stdout(output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(message),
        "expected {message:?} in:\n{stderr}"
    );
}

/// An installation with one capture, in `root/data`.
fn installation(root: &Path) -> std::path::PathBuf {
    let data = root.join("data");
    amparo_ok(&data, &["init"]);
    let upload = root.join("statement.txt");
    std::fs::write(&upload, "a statement kept for court ".repeat(10_000)).unwrap();
    amparo_ok(&data, &["capture", upload.to_str().unwrap()]);
    data
}

#[test]
fn backup_and_restore_round_trip_with_the_key_file() {
    let temporary = tempfile::tempdir().unwrap();
    let data = installation(temporary.path());
    let file = temporary.path().join("amparo.backup");
    let file_arg = file.to_str().unwrap();
    let made = stdout(&amparo_ok(&data, &["backup", "-o", file_arg, "--json"]));
    let made: serde_json::Value = serde_json::from_str(&made).unwrap();
    assert_eq!(made["sealed_with"], "installation-key");
    assert!(made["blobs"].as_u64().unwrap() >= 1, "{made}");
    fails_saying(&amparo(&data, &["backup", "-o", file_arg]), "exists");

    let audit = stdout(&amparo_ok(
        &data,
        &["audit", "--action", "backup", "--json"],
    ));
    assert!(audit.contains(made["sha256"].as_str().unwrap()), "{audit}");

    let restored = temporary.path().join("restored");
    fails_saying(
        &amparo(&restored, &["restore", file_arg]),
        "give the installation's key file",
    );
    assert!(!restored.exists());
    let key = data.join("installation.key");
    let out = stdout(&amparo_ok(
        &restored,
        &["restore", file_arg, "--key-file", key.to_str().unwrap()],
    ));
    assert!(out.contains("The evidence log is intact."), "{out}");
    assert!(out.contains("checked against the manifest"), "{out}");

    // The restored installation opens with the same key and its log checks.
    let env = [("AMPARO_KEY_FILE", key.to_str().unwrap())];
    let check = run(&restored, &env, &["log", "check"]);
    assert!(check.status.success(), "{}", stdout(&check));
    let listed = stdout(&amparo_ok(&data, &["record", "list", "capture"]));
    let again = run(&restored, &env, &["record", "list", "capture"]);
    assert_eq!(stdout(&again), listed);

    // A folder that is not empty is refused.
    fails_saying(
        &amparo(
            &restored,
            &["restore", file_arg, "--key-file", key.to_str().unwrap()],
        ),
        "is not empty",
    );
}

#[test]
fn a_damaged_backup_is_refused_and_restores_nothing() {
    let temporary = tempfile::tempdir().unwrap();
    let data = installation(temporary.path());
    let file = temporary.path().join("amparo.backup");
    amparo_ok(&data, &["backup", "-o", file.to_str().unwrap()]);
    let key = data.join("installation.key");
    let good = std::fs::read(&file).unwrap();
    let restored = temporary.path().join("restored");
    let damaged = temporary.path().join("damaged.backup");
    let mut flipped = good.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x04;
    for bytes in [flipped, good[..good.len() - 10].to_vec()] {
        std::fs::write(&damaged, bytes).unwrap();
        fails_saying(
            &amparo(
                &restored,
                &[
                    "restore",
                    damaged.to_str().unwrap(),
                    "--key-file",
                    key.to_str().unwrap(),
                ],
            ),
            "the backup is damaged or was altered",
        );
        assert!(!restored.exists());
    }
    std::fs::write(&damaged, b"not a backup at all").unwrap();
    fails_saying(
        &amparo(&restored, &["restore", damaged.to_str().unwrap()]),
        "is not an Amparo backup",
    );
}

#[test]
fn a_passphrase_backup_restores_with_the_passphrase_alone() {
    let temporary = tempfile::tempdir().unwrap();
    let data = installation(temporary.path());
    let file = temporary.path().join("amparo.backup");
    let file_arg = file.to_str().unwrap();
    fails_saying(
        &amparo(&data, &["backup", "-o", file_arg, "--passphrase"]),
        "AMPARO_BACKUP_PASSPHRASE",
    );
    let env = [("AMPARO_BACKUP_PASSPHRASE", "four words for safety")];
    let made = stdout(&run(
        &data,
        &env,
        &["backup", "-o", file_arg, "--passphrase"],
    ));
    assert!(made.contains("backup passphrase"), "{made}");

    let restored = temporary.path().join("restored");
    fails_saying(
        &run(
            &restored,
            &[("AMPARO_BACKUP_PASSPHRASE", "a wrong guess")],
            &["restore", file_arg],
        ),
        "the passphrase does not open this backup",
    );
    assert!(!restored.exists());
    let out = stdout(&run(&restored, &env, &["restore", file_arg]));
    assert!(out.contains("The evidence log is intact."), "{out}");
    assert_eq!(
        std::fs::read(restored.join("installation.key")).unwrap(),
        std::fs::read(data.join("installation.key")).unwrap()
    );
    amparo_ok(&restored, &["log", "check"]);
}

fn recover(output: &Path, input: &str) -> Output {
    let mut child = command(None)
        .args(["key", "recover", "-o", output.to_str().unwrap()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn printed_shares_recover_the_key_file() {
    let temporary = tempfile::tempdir().unwrap();
    let data = temporary.path().join("data");
    amparo_ok(&data, &["init"]);
    let out = stdout(&amparo_ok(
        &data,
        &["key", "shares", "--threshold", "2", "--shares", "3"],
    ));
    let shares: Vec<&str> = out
        .lines()
        .filter(|line| line.starts_with("amparo1-"))
        .collect();
    assert_eq!(shares.len(), 3, "{out}");
    let key = std::fs::read_to_string(data.join("installation.key")).unwrap();

    let recovered = temporary.path().join("recovered.key");
    let output = recover(&recovered, &format!("{}\n\n{}\n", shares[2], shares[0]));
    assert!(output.status.success(), "{:?}", output);
    assert_eq!(std::fs::read_to_string(&recovered).unwrap(), key);

    let one = temporary.path().join("one.key");
    fails_saying(
        &recover(&one, &format!("{}\n", shares[1])),
        "2 different shares are needed",
    );
    // One wrong digit in the value.
    let mut typo = shares[1].as_bytes().to_vec();
    typo[25] = if typo[25] == b'0' { b'1' } else { b'0' };
    let typo = String::from_utf8(typo).unwrap();
    fails_saying(
        &recover(&one, &format!("{}\n{typo}\n", shares[0])),
        "mistyped",
    );
    assert!(!one.exists());
}
