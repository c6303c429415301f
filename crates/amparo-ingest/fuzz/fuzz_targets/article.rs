//! Any bytes extract into an article with problems, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let article = amparo_ingest::article::extract_article(data, Some("https://news.example.org/2025/03/16/a"));
    let _ = article.to_inspect_json("und");
});
