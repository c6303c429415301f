//! The main text of a page: text blocks (see [`super::blocks`]) score their ancestors the way
//! Readability does (length, commas, link density, class hints); the best container, moved
//! under the headline when the page holds several articles, and its worthy siblings are
//! kept; teaser and furniture lines inside them are dropped and a standfirst printed just
//! before them is put first.

use std::collections::HashSet;

use super::blocks::{Block, Kind, collect_blocks, element_hints};
use super::boilerplate::{self, Hint};
use super::dom::{DOCUMENT, Dom, NONE, NodeId};
use super::tags::Tag;

/// The extracted main text, paragraphs separated by blank lines.
pub(crate) fn main_text(dom: &Dom, title: Option<&str>, description: Option<&str>) -> String {
    let page = PageHints { title, description };
    let text = extract(dom, &page, true);
    if text.chars().count() >= 250 {
        return text;
    }
    // Class hints sometimes hide the whole article (a wrapper named "post-sidebar-layout"):
    // retry trusting only tags, roles and hidden markers, and keep the longer result.
    let relaxed = extract(dom, &page, false);
    if relaxed.chars().count() > text.chars().count() * 2 {
        relaxed
    } else {
        text
    }
}

/// What the page's metadata says, which helps to recognise the title and the standfirst.
struct PageHints<'a> {
    title: Option<&'a str>,
    description: Option<&'a str>,
}

fn extract(dom: &Dom, page: &PageHints<'_>, use_class_hints: bool) -> String {
    let hints = element_hints(dom, use_class_hints);
    let blocks = collect_blocks(dom, &hints);
    let selected = select_containers(dom, &blocks, &hints, page.title);
    render(dom, &blocks, &selected, page)
}

/// Picks the containers that hold the article: the best-scoring one and its worthy
/// siblings. Returns node ids whose subtrees are kept.
fn select_containers(
    dom: &Dom,
    blocks: &[Block],
    hints: &[Option<Hint>],
    title: Option<&str>,
) -> Vec<NodeId> {
    let count = dom.nodes.len();
    let mut kept_chars = vec![0u32; count];
    let mut kept_links = vec![0u32; count];
    for block in blocks {
        let mut node = block.container;
        loop {
            kept_chars[node as usize] += block.chars as u32;
            kept_links[node as usize] += block.link_chars as u32;
            if node == DOCUMENT {
                break;
            }
            node = dom.nodes[node as usize].parent;
        }
    }
    let link_density = |node: NodeId| {
        let chars = kept_chars[node as usize].max(1) as f32;
        kept_links[node as usize] as f32 / chars
    };

    let mut score = vec![f32::NAN; count];
    let initial = |node: NodeId, score: &mut [f32]| {
        if score[node as usize].is_nan() {
            score[node as usize] = initial_score(dom, node, hints);
        }
    };
    for block in blocks {
        if block.chars < 25 || matches!(block.kind, Kind::Heading | Kind::Caption) {
            continue;
        }
        let commas = block.text.matches([',', '，', '،', '、']).count() as f32;
        let mut points = 1.0 + commas + (block.chars as f32 / 100.0).min(3.0);
        if block.kind == Kind::ListItem {
            points *= 0.5;
        }
        let start = if block.kind == Kind::Loose {
            block.container
        } else {
            dom.nodes[block.container as usize].parent
        };
        let mut node = start;
        for level in 0..5 {
            if node == NONE || node == DOCUMENT {
                break;
            }
            initial(node, &mut score);
            let divider = match level {
                0 => 1.0,
                1 => 2.0,
                level => level as f32 * 3.0,
            };
            score[node as usize] += points / divider;
            node = dom.nodes[node as usize].parent;
        }
    }
    let final_score =
        |score: &[f32], node: NodeId| score[node as usize] * (1.0 - link_density(node));
    let mut candidates: Vec<(NodeId, f32)> = (0..count as NodeId)
        .filter(|node| !score[*node as usize].is_nan())
        .map(|node| (node, final_score(&score, node)))
        .collect();
    candidates.sort_by(|a, b| b.1.total_cmp(&a.1));
    let Some(&(mut top, mut top_score)) = candidates.first() else {
        return vec![DOCUMENT];
    };

    // Several strong candidates under one ancestor: the ancestor is the article.
    let rivals: Vec<NodeId> = candidates
        .iter()
        .skip(1)
        .take(4)
        .filter(|(_, s)| *s >= top_score * 0.75)
        .map(|(node, _)| *node)
        .collect();
    if rivals.len() >= 3 {
        for ancestor in dom.ancestors(top).take_while(|node| *node != DOCUMENT) {
            let holding = rivals
                .iter()
                .filter(|rival| dom.ancestors(**rival).any(|a| a == ancestor))
                .count();
            if holding >= 3 {
                top = ancestor;
                initial(top, &mut score);
                top_score = final_score(&score, top);
                break;
            }
        }
    }
    // Climb while the parent scores better (the article split into sections).
    let mut last = top_score;
    for ancestor in dom.ancestors(top).take_while(|node| *node != DOCUMENT) {
        let value = score[ancestor as usize];
        if value.is_nan() {
            continue;
        }
        let value = final_score(&score, ancestor);
        if value < top_score / 3.0 {
            break;
        }
        if value > last {
            top = ancestor;
            top_score = value;
            break;
        }
        last = value;
    }
    // Pages that append the next article (infinite scroll) or big teasers: the article is
    // the one under the headline that matches the page's title.
    let title_key = title.map(comparable);
    let anchor = blocks
        .iter()
        .find(|block| block.kind == Kind::Heading && Some(comparable(&block.text)) == title_key)
        .map(|block| block.container);
    let mut rejected = None;
    if let Some(anchor) = anchor {
        let top_distance = heading_distance(dom, top, anchor);
        let better = candidates
            .iter()
            .filter(|(node, value)| *value >= top_score * 0.1 && kept_chars[*node as usize] >= 200)
            .map(|&(node, value)| (node, value, heading_distance(dom, node, anchor)))
            .filter(|&(node, _, distance)| {
                if top_distance > 3 {
                    // The chosen block is far from the headline: take one near it.
                    distance <= 3
                } else {
                    // Another article further down the page: prefer the one under the
                    // headline.
                    top_distance >= 2
                        && distance < top_distance
                        && !contains(dom, node, top)
                        && !contains(dom, top, node)
                }
            })
            // Far from the headline: the best-scoring block near it. Another article: the
            // one closest to the headline.
            .min_by_key(|&(_, _, distance)| if top_distance > 3 { 0 } else { distance });
        if let Some((near, value, _)) = better {
            rejected = Some(top);
            top = near;
            top_score = value;
        }
    }
    // A lone child carries nothing of its own: use the parent.
    loop {
        let parent = dom.nodes[top as usize].parent;
        if parent == NONE
            || parent == DOCUMENT
            || kept_chars[parent as usize] != kept_chars[top as usize]
        {
            break;
        }
        top = parent;
    }

    let parent = dom.nodes[top as usize].parent;
    if parent == NONE {
        return vec![top];
    }
    let threshold = (top_score * 0.2).max(10.0);
    dom.children(parent)
        .filter(|&sibling| {
            if sibling == top {
                return true;
            }
            if kept_chars[sibling as usize] == 0
                || rejected.is_some_and(|rejected| {
                    contains(dom, sibling, rejected) && holds_headline(dom, sibling)
                })
            {
                return false;
            }
            let value = score[sibling as usize];
            if !value.is_nan() && final_score(&score, sibling) >= threshold {
                return true;
            }
            if dom.tag(sibling) != Tag::P {
                return false;
            }
            let chars = kept_chars[sibling as usize];
            let density = link_density(sibling);
            (chars > 80 && density < 0.25)
                || (chars > 0
                    && density == 0.0
                    && dom.text_content(sibling).trim_end().ends_with('.'))
        })
        .collect()
}

/// How many levels above `candidate` the heading `anchor` is (0 when inside it).
fn heading_distance(dom: &Dom, candidate: NodeId, anchor: NodeId) -> usize {
    std::iter::once(candidate)
        .chain(dom.ancestors(candidate))
        .position(|node| contains(dom, node, anchor))
        .unwrap_or(usize::MAX)
}

/// Whether the subtree of `node` has an `<h1>` (another article's headline).
fn holds_headline(dom: &Dom, node: NodeId) -> bool {
    (node as usize..dom.subtree_end(node)).any(|index| dom.tag(index as NodeId) == Tag::H1)
}

/// Whether `inner` is `outer` or inside it.
fn contains(dom: &Dom, outer: NodeId, inner: NodeId) -> bool {
    (outer as usize..dom.subtree_end(outer)).contains(&(inner as usize))
}

fn initial_score(dom: &Dom, node: NodeId, hints: &[Option<Hint>]) -> f32 {
    let Some(element) = dom.element(node) else {
        return 0.0;
    };
    let base = match element.tag {
        Tag::Div | Tag::Article | Tag::Main => 5.0,
        Tag::Section | Tag::Pre | Tag::Td | Tag::Blockquote => 3.0,
        Tag::Address | Tag::Ol | Tag::Ul | Tag::Dl | Tag::Dd | Tag::Dt | Tag::Li | Tag::Form => {
            -3.0
        }
        Tag::Th => -5.0,
        tag if tag.is_heading() => -5.0,
        _ => 0.0,
    };
    let hint = hints[node as usize].unwrap_or(Hint::Neutral);
    base + boilerplate::class_weight(element, hint)
}

/// Joins the kept blocks of the selected containers, without teasers, furniture, captions,
/// link lists, repeated lines and the title itself; a standfirst printed just before the
/// article body is put first.
fn render(dom: &Dom, blocks: &[Block], selected: &[NodeId], page: &PageHints<'_>) -> String {
    let ranges: Vec<(usize, usize)> = selected
        .iter()
        .map(|&node| (node as usize, dom.subtree_end(node)))
        .collect();
    let title_key = page.title.map(comparable);
    let mut kept: Vec<&Block> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for block in blocks {
        let container = block.container as usize;
        if !ranges
            .iter()
            .any(|(start, end)| (*start..*end).contains(&container))
        {
            continue;
        }
        let density = block.link_chars as f32 / block.chars.max(1) as f32;
        let link_list =
            block.kind != Kind::Heading && ((density > 0.5 && block.chars < 300) || density > 0.8);
        if block.kind == Kind::Caption
            || link_list
            || boilerplate::is_boilerplate_line(&block.text, block.chars)
            || (block.kind == Kind::Heading
                && title_key.as_deref() == Some(&comparable(&block.text)))
            || !seen.insert(&block.text)
        {
            continue;
        }
        kept.push(block);
    }
    while kept.last().is_some_and(|block| block.kind == Kind::Heading) {
        kept.pop();
    }
    // A one- or two-word first line is a kicker ("Negocios"), not text.
    if kept.len() > 1
        && kept[0].kind != Kind::Heading
        && kept[0].text.split_whitespace().count() <= 2
        && !kept[0].text.ends_with(['.', '!', '?', ':'])
    {
        kept.remove(0);
    }
    if let Some(&first) = selected.first()
        && let Some(lead) = find_standfirst(dom, blocks, first, page.description)
        && !kept
            .iter()
            .any(|block| comparable(&block.text) == comparable(&lead.text))
    {
        kept.insert(0, lead);
    }
    let mut out = String::new();
    for block in kept {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&block.text);
    }
    out
}

/// How many levels above the article container a standfirst may sit.
const STANDFIRST_REACH: usize = 4;

/// The standfirst printed just before the article body: a paragraph that repeats the page's
/// description, or that sits in a "lead", "standfirst" or "bajada" element.
fn find_standfirst<'b>(
    dom: &Dom,
    blocks: &'b [Block],
    first: NodeId,
    description: Option<&str>,
) -> Option<&'b Block> {
    let description = description
        .map(|text| comparable(text.trim_end_matches(['.', '…']).trim_end()))
        .filter(|text| text.chars().count() >= 30);
    let reach: Vec<NodeId> = dom.ancestors(first).take(STANDFIRST_REACH).collect();
    let end = blocks.partition_point(|block| block.container < first);
    blocks[..end].iter().rev().take(12).find(|block| {
        if block.chars < 40 || block.kind == Kind::Caption || block.link_chars * 5 > block.chars {
            return false;
        }
        let near = dom
            .ancestors(block.container)
            .any(|ancestor| reach.contains(&ancestor));
        if !near || boilerplate::is_boilerplate_line(&block.text, block.chars) {
            return false;
        }
        let text = comparable(&block.text);
        let repeats_description = description.as_deref().is_some_and(|description| {
            text.starts_with(description) || description.starts_with(&text)
        });
        repeats_description || boilerplate::is_standfirst(dom, block.container)
    })
}

fn comparable(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}
