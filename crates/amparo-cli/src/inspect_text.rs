//! `amparo inspect text FILE|- [--lang en|es] [--published YYYY-MM-DD]`: what Amparo's
//! extraction finds in one text (persons, organizations, places, dates, counts of people,
//! quotations, embedded posts, violation cues), as one JSON object. It needs no installation
//! and exits 0 whatever the text holds; with `--data DIR` (or `AMPARO_DATA`) it also knows the
//! names of that installation's persons, organizations and places.

use std::path::Path;

use amparo_app::{Actor, App};
use amparo_extract::{Extraction, Gazetteer, GazetteerEntry, Language, NameKind, Options};
use amparo_model::records::{Organization, Person, Place};
use serde_json::{Value, json};
use time::Date;

use crate::inspect::{cut_problem, read_input};

/// The most bytes of text extraction reads: far more than any article, and a bound on time.
const MAX_TEXT_BYTES: usize = 8 * 1024 * 1024;

/// `amparo inspect text FILE|- [--lang en|es] [--published YYYY-MM-DD]`, with the names of
/// `app`'s records when an installation was given.
pub async fn text(
    file: &Path,
    language: Option<Language>,
    published: Option<Date>,
    installation: Option<(&App, &Actor)>,
) -> anyhow::Result<()> {
    let (bytes, cut) = read_input(file)?;
    let mut problems: Vec<String> = cut_problem(cut).into_iter().collect();
    let mut text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            problems.push(
                "the input is not valid UTF-8: the invalid bytes were replaced with U+FFFD"
                    .to_owned(),
            );
            String::from_utf8_lossy(error.as_bytes()).into_owned()
        }
    };
    if text.len() > MAX_TEXT_BYTES {
        let mut end = MAX_TEXT_BYTES;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        problems.push(format!(
            "the text is longer than {MAX_TEXT_BYTES} bytes: only the first {MAX_TEXT_BYTES} were read"
        ));
    }
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        .count();
    if controls > 0 {
        problems.push(format!(
            "the input holds {controls} control characters: it may not be text"
        ));
    }
    let gazetteer = match installation {
        Some((app, actor)) => Gazetteer::with_builtin(installation_entries(app, actor).await?),
        None => Gazetteer::builtin(),
    };
    let options = Options {
        language,
        published,
    };
    let extraction = amparo_extract::extract(&text, &options, &gazetteer);
    let value = to_json(&extraction, problems);
    println!("{}", serde_json::to_string_pretty(&value)?);
    Ok(())
}

/// The names of the installation's persons (their real names and aliases, which the command
/// line, as administrator, may read), organizations (with acronyms) and places (in both
/// languages).
async fn installation_entries(app: &App, actor: &Actor) -> anyhow::Result<Vec<GazetteerEntry>> {
    let mut entries = Vec::new();
    for person in app.list::<Person>(actor).await? {
        let Some(sensitive) = &person.body.sensitive else {
            continue;
        };
        if sensitive.full_name.trim().is_empty() {
            continue;
        }
        entries.push(GazetteerEntry {
            id: person.body.pseudonym.clone(),
            kind: NameKind::Person,
            name: sensitive.full_name.clone(),
            aliases: non_empty(sensitive.aliases.iter()),
            detail: None,
        });
    }
    for organization in app.list::<Organization>(actor).await? {
        let body = &organization.body;
        if body.name.trim().is_empty() {
            continue;
        }
        entries.push(GazetteerEntry {
            id: organization.id.to_string(),
            kind: NameKind::Organization,
            name: body.name.clone(),
            aliases: non_empty(std::iter::once(&body.acronym).chain(&body.aliases)),
            detail: None,
        });
    }
    for place in app.list::<Place>(actor).await? {
        let body = &place.body;
        let mut names = non_empty(
            [&body.name_en, &body.name_es]
                .into_iter()
                .chain(&body.other_names),
        );
        if names.is_empty() {
            continue;
        }
        let name = names.remove(0);
        names.retain(|alias| *alias != name);
        entries.push(GazetteerEntry {
            id: place.id.to_string(),
            kind: NameKind::Place,
            name,
            aliases: names,
            detail: (!body.kind.is_empty()).then(|| body.kind.clone()),
        });
    }
    Ok(entries)
}

fn non_empty<'a>(names: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in names {
        let name = name.trim();
        if !name.is_empty() && !out.iter().any(|known| known == name) {
            out.push(name.to_owned());
        }
    }
    out
}

/// The JSON `amparo inspect text` promises: exactly these keys.
fn to_json(extraction: &Extraction, mut problems: Vec<String>) -> Value {
    let mentions = |mentions: &[amparo_extract::Mention]| -> Vec<Value> {
        mentions
            .iter()
            .map(|mention| {
                json!({
                    "text": mention.text,
                    "start": mention.start,
                    "end": mention.end,
                    "confidence": (f64::from(mention.confidence) * 1000.0).round() / 1000.0,
                })
            })
            .collect()
    };
    problems.extend(extraction.problems.iter().cloned());
    json!({
        "language": extraction.language,
        "persons": mentions(&extraction.persons),
        "organizations": mentions(&extraction.organizations),
        "places": mentions(&extraction.places),
        "dates": extraction.dates.iter().map(|date| json!({
            "text": date.text,
            "start": date.start,
            "end": date.end,
            "value": date.value,
            "precision": date.precision,
        })).collect::<Vec<_>>(),
        "counts": extraction.counts.iter().map(|count| json!({
            "text": count.text,
            "start": count.start,
            "end": count.end,
            "value": count.value,
        })).collect::<Vec<_>>(),
        "quotes": extraction.quotes.iter().map(|quote| json!({
            "text": quote.text,
            "start": quote.start,
            "end": quote.end,
            "speaker": quote.speaker,
        })).collect::<Vec<_>>(),
        "posts": extraction.posts.iter().map(|post| json!({
            "platform": post.platform,
            "author": post.author,
            "handle": post.handle,
            "date": post.date,
            "text": post.text,
            "language": post.language,
        })).collect::<Vec<_>>(),
        "violations": extraction.violations.iter().map(|cue| json!({
            "term": cue.term,
            "label": cue.label,
            "start": cue.start,
            "end": cue.end,
        })).collect::<Vec<_>>(),
        "problems": problems,
    })
}
