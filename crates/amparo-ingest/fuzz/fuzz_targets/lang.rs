//! Any text gets a language (or "und") and passages whose offsets lie inside it, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let report = amparo_ingest::lang::analyze(&text);
    let length = text.chars().count();
    for passage in &report.passages {
        assert!(passage.start < passage.end && passage.end <= length);
    }
    assert!((0.0..=1.0).contains(&report.confidence));
});
