//! Any bytes, with or without a base URL, parse into a feed with problems, never a panic; the
//! inspect JSON of the result always serializes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let with_base = data.first().is_some_and(|byte| byte & 1 == 1);
    let base = with_base.then_some("https://news.example.org/feeds/");
    let feed = amparo_ingest::feed::parse_feed(data, base);
    let _ = serde_json::to_string(&feed.to_inspect_json());
});
