//! `amparo inspect feed|article|lang`: what Amparo's ingestion makes of one file, as one JSON
//! object on standard output. They need no installation and exit 0 whatever the input holds:
//! what was wrong with it is listed in `problems`. Only an unreadable file is an error.

use std::io::Read as _;
use std::path::Path;

use anyhow::Context as _;
use serde_json::Value;

/// The most bytes read from one input: more than any real feed or page, and a bound on memory.
const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

/// Reads FILE, or standard input for `-`, up to [`MAX_INPUT_BYTES`]; says whether it was cut.
pub(crate) fn read_input(file: &Path) -> anyhow::Result<(Vec<u8>, bool)> {
    let mut bytes = Vec::new();
    let reader: Box<dyn std::io::Read> = if file == Path::new("-") {
        Box::new(std::io::stdin())
    } else {
        Box::new(
            std::fs::File::open(file)
                .with_context(|| format!("could not open {}", file.display()))?,
        )
    };
    reader
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("could not read {}", file.display()))?;
    let cut = bytes.len() as u64 > MAX_INPUT_BYTES;
    bytes.truncate(MAX_INPUT_BYTES as usize);
    Ok((bytes, cut))
}

pub(crate) fn cut_problem(cut: bool) -> Option<String> {
    cut.then(|| {
        format!("the input is larger than {MAX_INPUT_BYTES} bytes: only the first {MAX_INPUT_BYTES} were read")
    })
}

fn add_problem(value: &mut Value, problem: Option<String>) {
    if let (Some(problem), Some(list)) = (
        problem,
        value.get_mut("problems").and_then(Value::as_array_mut),
    ) {
        list.insert(0, Value::String(problem));
    }
}

/// `amparo inspect feed FILE [--url URL]`.
pub fn feed(file: &Path, url: Option<&str>) -> anyhow::Result<()> {
    let (bytes, cut) = read_input(file)?;
    let parsed = amparo_ingest::feed::parse_feed(&bytes, url);
    let mut value = parsed.to_inspect_json();
    add_problem(&mut value, cut_problem(cut));
    println!("{}", serde_json::to_string_pretty(&value)?);
    Ok(())
}

/// `amparo inspect article FILE [--url URL]`.
pub fn article(file: &Path, url: Option<&str>) -> anyhow::Result<()> {
    let (bytes, cut) = read_input(file)?;
    let article = amparo_ingest::article::extract_article(&bytes, url);
    let language = amparo_ingest::lang::detect(&article.text).language;
    let mut value: Value = serde_json::from_str(&article.to_inspect_json(&language))?;
    add_problem(&mut value, cut_problem(cut));
    println!("{}", serde_json::to_string_pretty(&value)?);
    Ok(())
}

/// `amparo inspect lang FILE|-`.
pub fn lang(file: &Path) -> anyhow::Result<()> {
    let (bytes, _cut) = read_input(file)?;
    let text = String::from_utf8_lossy(&bytes);
    let report = amparo_ingest::lang::analyze(&text);
    println!(
        "{}",
        serde_json::to_string_pretty(&report.to_inspect_json())?
    );
    Ok(())
}
