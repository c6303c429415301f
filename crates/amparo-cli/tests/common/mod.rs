//! Running the `amparo` binary from the integration tests, free of the caller's environment.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// `amparo` with none of the caller's `AMPARO_…` variables nor `RUST_LOG`, and no standard
/// input; with `--data DIR` when a folder is given.
pub fn command(dir: Option<&Path>) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_amparo"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("AMPARO_") {
            command.env_remove(&name);
        }
    }
    command.env_remove("RUST_LOG").stdin(Stdio::null());
    if let Some(dir) = dir {
        command.arg("--data").arg(dir);
    }
    command
}

/// Runs `amparo --data DIR ARGS…` to the end.
pub fn amparo(dir: &Path, args: &[&str]) -> Output {
    command(Some(dir))
        .args(args)
        .output()
        .expect("the amparo binary runs")
}

/// Runs `amparo --data DIR ARGS…` and requires it to succeed.
pub fn amparo_ok(dir: &Path, args: &[&str]) -> Output {
    let output = amparo(dir, args);
    assert!(
        output.status.success(),
        "amparo {args:?} failed with {}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}
