//! `amparo search QUERY` and `amparo index rebuild`: the installation's search from the
//! command line (which acts as an administrator: it finds everything, real names included).

use amparo_app::{Actor, App, SearchPage, SearchParams, Snippet};

use crate::progress::Progress;

/// A snippet for a terminal: highlights between `[` and `]`, on one line.
fn plain(snippet: &Snippet) -> String {
    let mut out = String::new();
    let mut at = 0;
    for range in &snippet.highlighted {
        out.push_str(&snippet.fragment[at..range.start]);
        out.push('[');
        out.push_str(&snippet.fragment[range.clone()]);
        out.push(']');
        at = range.end;
    }
    out.push_str(&snippet.fragment[at..]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn print(page: &SearchPage, params: &SearchParams) {
    for problem in &page.problems {
        eprintln!("note: {problem}");
    }
    let first = page.hits.first().map(|_| {
        (params.page.unwrap_or(1) - 1) * params.per_page.unwrap_or(amparo_app::DEFAULT_PER_PAGE) + 1
    });
    match (page.total, first) {
        (0, _) => println!("No records match."),
        (total, Some(first)) => println!(
            "{total} record{} match; showing {first}–{}.",
            if total == 1 { "" } else { "s" },
            first + page.hits.len() - 1
        ),
        (total, None) => println!("{total} records match; this page is past the last one."),
    }
    for found in &page.hits {
        let date = found
            .hit
            .date
            .map(|date| date.date().to_string())
            .unwrap_or_default();
        println!();
        println!(
            "{:<14} {}  {}  {}",
            found.record.kind.as_str(),
            found.record.label(),
            date,
            found.record.id
        );
        if let Some(snippet) = &found.hit.snippet {
            println!("    {}", plain(snippet));
        }
        if let Some(snippet) = &found.hit.sensitive_snippet {
            println!("    sensitive: {}", plain(snippet));
        }
    }
    let counted: Vec<_> = page
        .facets
        .iter()
        .filter(|facet| !facet.values.is_empty())
        .collect();
    if !counted.is_empty() {
        println!();
    }
    for facet in counted {
        let values: Vec<String> = facet
            .values
            .iter()
            .take(10)
            .map(|(value, count)| format!("{value} ({count})"))
            .collect();
        println!("{}: {}", facet.field.code(), values.join(", "));
    }
}

/// `amparo search`.
pub async fn search(
    app: &App,
    actor: &Actor,
    params: &SearchParams,
    json: bool,
) -> anyhow::Result<()> {
    let request = params.to_request()?;
    let page = app.search(actor, &request).await?;
    if json {
        println!("{}", page.to_json());
    } else {
        print(&page, params);
    }
    Ok(())
}

/// `amparo index rebuild`.
pub async fn rebuild(app: &App, actor: &Actor, json: bool) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let mut progress = Progress::new("records indexed");
    let report = app
        .rebuild_search_index(actor, &mut |done, total| progress.update(done, total))
        .await;
    progress.finish();
    let report = report?;
    let seconds = started.elapsed().as_secs_f64();
    if json {
        println!(
            "{}",
            serde_json::json!({
                "records": report.records,
                "position": report.position,
                "seconds": (seconds * 1000.0).round() / 1000.0,
            })
        );
    } else {
        println!(
            "Rebuilt the search index: {} records in {seconds:.1} s (outbox position {}).",
            report.records, report.position
        );
    }
    Ok(())
}
