//! Amparo's ingestion primitives: news feeds (RSS, Atom, JSON Feed) into one model, the main
//! text of article pages, language identification for short and long texts, and the canonical
//! URLs and fingerprints that fold duplicates; OPML subscription lists in and out.
//!
//! This crate is pure: it never touches disk, network or clock. Functions take bytes or text
//! and return values with the problems they met; bad input is reported, never fatal.

#![warn(missing_docs)]

pub mod article;
pub mod dedup;
pub mod feed;
pub mod lang;
pub mod opml;
