//! `amparo user disable|enable|totp-reset` and `amparo token create --scope --expires-in-days`
//! end to end (issue 7): disabling revokes the user's tokens, scopes and expiry are shown.

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
fn disabling_a_user_revokes_their_tokens_and_scopes_are_listed() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let data = dir.path().join("data");
    ok(&data, &["init"]);
    ok(&data, &["user", "add", "bob", "--role", "lawyer"]);

    let created = ok(
        &data,
        &["token", "create", "bob", "--scope", "records:read,export"],
    );
    assert!(created.contains("Scopes: records:read export"), "{created}");
    assert!(created.contains("Expires: "), "{created}");
    let forever = ok(
        &data,
        &[
            "token",
            "create",
            "bob",
            "--scope",
            "review",
            "--no-expiry",
            "--json",
        ],
    );
    let forever: Value = serde_json::from_str(&forever).expect("JSON");
    assert_eq!(forever["scopes"], serde_json::json!(["review"]));
    assert!(forever["expires_at"].is_null());

    let unknown = amparo(&data, &["token", "create", "bob", "--scope", "everything"]);
    assert!(!unknown.status.success());
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("records:read"),
        "the error lists the scopes"
    );

    let disabled = ok(&data, &["user", "disable", "bob"]);
    assert!(disabled.contains("2 API tokens revoked"), "{disabled}");
    let tokens: Value =
        serde_json::from_str(&ok(&data, &["token", "list", "--user", "bob", "--json"]))
            .expect("JSON");
    let tokens = tokens.as_array().expect("an array");
    assert!(tokens.iter().all(|token| token["revoked_at"].is_string()));
    ok(&data, &["user", "enable", "bob"]);

    let reset = ok(&data, &["user", "totp-reset", "bob"]);
    assert!(reset.contains("had no second factor"), "{reset}");
    let nobody = amparo(&data, &["user", "disable", "nobody"]);
    assert!(!nobody.status.success());
}

fn fails(dir: &Path, args: &[&str]) -> String {
    let output = amparo(dir, args);
    assert!(!output.status.success(), "amparo {args:?} should fail");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn teams_grants_and_roles_are_managed_by_name_and_audited() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let data = dir.path().join("data");
    ok(&data, &["init"]);
    let case = dir.path().join("case.json");
    std::fs::write(
        &case,
        r#"{"title": "Removal flights", "reference": "CECOT-2025"}"#,
    )
    .unwrap();
    ok(&data, &["record", "create", "case", case.to_str().unwrap()]);
    ok(&data, &["user", "add", "ana", "--role", "lawyer"]);
    ok(&data, &["user", "add", "beto", "--role", "viewer"]);
    ok(&data, &["team", "add", "Interviewers", "--member", "beto"]);
    assert!(ok(&data, &["team", "list"]).contains("Interviewers             beto"));
    ok(
        &data,
        &[
            "grant",
            "add",
            "CECOT-2025",
            "--user",
            "ana",
            "--rights",
            "read,write,sensitive",
        ],
    );
    ok(
        &data,
        &["grant", "add", "Removal flights", "--team", "Interviewers"],
    );
    let grants: Vec<Value> = ok(&data, &["grant", "list", "--json"])
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON"))
        .collect();
    assert_eq!(grants.len(), 2);
    assert_eq!(grants[0]["grantee"], "user:ana");
    assert_eq!(grants[0]["case"], "CECOT-2025");
    assert_eq!(
        grants[0]["rights"],
        serde_json::json!(["read", "write", "sensitive"])
    );
    assert_eq!(grants[1]["grantee"], "team:Interviewers");
    assert_eq!(grants[1]["rights"], serde_json::json!(["read"]));

    // Clear refusals.
    assert!(
        fails(&data, &["grant", "add", "CECOT-2025", "--user", "nobody"])
            .contains("there is no user named nobody")
    );
    assert!(
        fails(&data, &["grant", "add", "NO-SUCH", "--user", "ana"])
            .contains("there is no case \"NO-SUCH\"")
    );
    assert!(
        fails(
            &data,
            &[
                "grant",
                "add",
                "CECOT-2025",
                "--user",
                "ana",
                "--rights",
                "read,fly"
            ]
        )
        .contains("\"fly\" is not a right")
    );

    ok(&data, &["user", "role", "beto", "reviewer"]);
    assert!(ok(&data, &["user", "list"]).contains("beto                     reviewer"));
    let id = grants[0]["id"].as_str().unwrap();
    ok(&data, &["grant", "remove", id]);
    assert_eq!(ok(&data, &["grant", "list", "--json"]).lines().count(), 1);

    // Every change is in the audit trail.
    let audit = ok(&data, &["audit", "--json"]);
    for action in [
        "team-change",
        "grant-change",
        "grant-withdrawn",
        "user-change",
    ] {
        assert!(
            audit.contains(&format!("\"action\":\"{action}\"")),
            "{action}: {audit}"
        );
    }
    let only = ok(&data, &["audit", "--action", "grant-withdrawn", "--json"]);
    assert_eq!(only.lines().count(), 1, "{only}");
    assert!(fails(&data, &["audit", "--since", "yesterday"]).contains("YYYY-MM-DD"));
}
