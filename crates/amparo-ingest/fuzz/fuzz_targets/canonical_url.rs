//! Any text is either refused or canonicalized to a URL that canonicalizes to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(canonical) = amparo_ingest::dedup::canonical_url(&text) {
        let again = amparo_ingest::dedup::canonical_url(&canonical);
        assert_eq!(again.as_deref(), Ok(canonical.as_str()), "canonical form is stable");
    }
});
