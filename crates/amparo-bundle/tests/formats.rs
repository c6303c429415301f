//! Format fixtures: every bundle version ever written must keep verifying. The files under
//! `tests/data/` were written once by `examples/write_fixture.rs` and are never regenerated;
//! a change that breaks this test breaks bundles already handed to courts.

use std::io::Cursor;
use std::path::Path;

use amparo_bundle::{Outcome, Step, StepStatus, verify_bundle};

fn data(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name),
    )
    .unwrap()
}

#[test]
fn bundle_v1_verifies() {
    let bundle = data("bundle-v1.zip");
    let key = String::from_utf8(data("bundle-v1.vkey")).unwrap();
    let report = verify_bundle(Cursor::new(&bundle), Some(key.trim_end()));
    assert_eq!(report.outcome, Outcome::Verified, "{}", report.render());
    let detail = |name: &str| match &report
        .steps
        .iter()
        .find(|step| step.name == name)
        .unwrap()
        .status
    {
        StepStatus::Passed(detail) => detail.clone(),
        other => panic!("{other:?}"),
    };
    assert!(detail(Step::BYTES).contains(
        "evidence/comunicado-2025-03-24.html is 139 bytes with SHA-256 ccf73327daad438f505b1fb2d5196214153fd418775aa43945f9ef9585103025"
    ));
    assert!(
        detail(Step::SUBJECT_ACTOR).contains("capture 0195c7a2-2b00-7000-8000-000000000c01 v1")
    );
    assert!(detail(Step::LEAF).contains("2025-03-24T14:30:00.000000Z"));
    assert!(detail(Step::PROOF).contains("entry 2 of the log's tree of 5 entries with root 3jorrx+olfRD9xbiqBaiNPLL1c+Dt99dLt7OPLQd5iE="));
    assert!(detail(Step::KEY).contains("example.org/amparo/evidence+81d2392e"));

    let without_key = verify_bundle(Cursor::new(&bundle), None);
    assert_eq!(without_key.outcome, Outcome::KeyNotChecked);
}
