//! Any bytes parse into a subscription list with problems, never a panic; writing what was
//! read and reading it again gives the same outlines.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parsed = amparo_ingest::opml::parse_opml(data);
    let written = amparo_ingest::opml::write_opml(
        parsed.title.as_deref().unwrap_or(""),
        None,
        &parsed.outlines,
    );
    let again = amparo_ingest::opml::parse_opml(written.as_bytes());
    let again_written = amparo_ingest::opml::write_opml(
        again.title.as_deref().unwrap_or(""),
        None,
        &again.outlines,
    );
    assert_eq!(written, again_written, "writing what was read is stable");
    let _ = amparo_ingest::feed::discover_feeds(data, Some("https://news.example.org/page"));
});
