//! Fuzz target: the C2SP tile path parser must never panic, and an accepted path must format
//! back to exactly the same text.
#![no_main]

use amparo_tlog::{TilePath, parse_tile_path};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse_tile_path(text) {
        Ok(TilePath::Hashes(tile)) => assert_eq!(tile.path(), text),
        Ok(TilePath::Entries(tile)) => assert_eq!(tile.entries_path(), text),
        Err(_) => {}
    }
});
