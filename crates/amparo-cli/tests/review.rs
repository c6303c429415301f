//! `amparo review` end to end: a document's suggestions found, listed as JSON with pseudonym
//! codes for candidates, the clear matches accepted in bulk, and `--pending`.

mod common;

use serde_json::Value;

use common::amparo_ok;

fn json(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "not JSON ({error}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

#[test]
fn a_document_is_processed_listed_and_its_clear_matches_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    amparo_ok(&data, &["init"]);
    let text = "José Gregorio Pérez was deported to El Salvador on March 15, 2025.";
    let article = dir.path().join("article.txt");
    std::fs::write(&article, text).unwrap();
    let capture = json(&amparo_ok(
        &data,
        &["capture", article.to_str().unwrap(), "--json"],
    ));
    let file = dir.path().join("record.json");
    std::fs::write(
        &file,
        r#"{"sensitive": {"full_name": "José Gregorio Pérez", "aliases": ["Cheo"]}}"#,
    )
    .unwrap();
    let person = json(&amparo_ok(
        &data,
        &[
            "record",
            "create",
            "person",
            file.to_str().unwrap(),
            "--json",
        ],
    ));
    let document = serde_json::json!({
        "capture_id": capture["id"],
        "language": "en",
        "text": text,
    });
    std::fs::write(&file, document.to_string()).unwrap();
    let document = json(&amparo_ok(
        &data,
        &[
            "record",
            "create",
            "document",
            file.to_str().unwrap(),
            "--json",
        ],
    ));
    let id = document["id"].as_str().unwrap();

    let listed = json(&amparo_ok(&data, &["review", id, "--json"]));
    assert_eq!(listed["items"], serde_json::json!([]));
    let done = json(&amparo_ok(
        &data,
        &["review", id, "--process", "--accept-confident", "--json"],
    ));
    assert!(
        done["processed"]["created"].as_u64().unwrap() >= 3,
        "{done}"
    );
    let linked = done["accepted"]["linked"].as_array().unwrap();
    assert_eq!(linked.len(), 1, "{done}");
    assert_eq!(linked[0]["record"]["id"], person["id"]);
    assert_eq!(linked[0]["record"]["label"], person["record"]["pseudonym"]);
    let items = done["items"].as_array().unwrap();
    let accepted: Vec<&Value> = items
        .iter()
        .filter(|item| item["status"] == "accepted")
        .collect();
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0]["accepted_into"]["id"], person["id"]);
    assert!(!done.to_string().contains("Cheo"), "{done}");

    // Processed already: nothing is left for --pending.
    let pending = json(&amparo_ok(&data, &["review", "--pending", "10", "--json"]));
    assert_eq!(pending["processed"], serde_json::json!([]));
    assert_eq!(pending["remaining"], 0);
    let text = String::from_utf8(amparo_ok(&data, &["review", id]).stdout).unwrap();
    assert!(text.contains("accepted"), "{text}");
}
