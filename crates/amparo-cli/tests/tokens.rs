//! `amparo token create|list|revoke` end to end: the secret is printed once, listed never, and a
//! revoked token is shown as revoked.

use std::path::Path;

use serde_json::Value;

mod common;

use common::amparo;

fn ok(dir: &Path, args: &[&str]) -> String {
    let output = amparo(dir, args);
    assert!(
        output.status.success(),
        "amparo {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

#[test]
fn token_is_printed_once_listed_without_its_secret_and_revoked() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let data = dir.path().join("data");
    ok(&data, &["init"]);

    let created = ok(
        &data,
        &["token", "create", "admin", "--label", "nightly sync"],
    );
    let secret = created
        .lines()
        .find_map(|line| line.strip_prefix("Token: "))
        .expect("the secret is printed")
        .to_owned();
    assert!(secret.starts_with("amp_") && secret.len() == 68, "{secret}");
    let id = created
        .lines()
        .find_map(|line| line.strip_prefix("Token id: "))
        .expect("the id is printed")
        .to_owned();

    let listed = ok(&data, &["token", "list"]);
    assert!(
        listed.contains(&id) && listed.contains("nightly sync"),
        "{listed}"
    );
    assert!(listed.contains("never used"), "{listed}");
    assert!(!listed.contains(&secret[4..]), "the secret is never listed");

    let json = ok(&data, &["token", "create", "admin", "--json"]);
    let json: Value = serde_json::from_str(&json).expect("JSON");
    assert!(
        json["token"]
            .as_str()
            .is_some_and(|t| t.starts_with("amp_"))
    );
    assert_eq!(json["username"], "admin");

    ok(&data, &["token", "revoke", &id]);
    let tokens: Value =
        serde_json::from_str(&ok(&data, &["token", "list", "--user", "admin", "--json"]))
            .expect("JSON");
    let tokens = tokens.as_array().expect("an array");
    assert_eq!(tokens.len(), 2);
    let revoked = tokens
        .iter()
        .find(|t| t["id"] == id.as_str())
        .expect("listed");
    assert!(revoked["revoked_at"].is_string(), "{revoked}");
    assert!(
        !serde_json::to_string(&tokens)
            .unwrap_or_default()
            .contains(&secret[4..])
    );

    let unknown = amparo(&data, &["token", "create", "nobody"]);
    assert!(!unknown.status.success());
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        stderr.starts_with("error:") && stderr.contains("nobody"),
        "{stderr}"
    );
}
