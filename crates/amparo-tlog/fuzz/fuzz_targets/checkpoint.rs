//! Fuzz target: the C2SP checkpoint parser must never panic, and whatever it accepts must format
//! back to exactly the same text.
#![no_main]

use amparo_tlog::Checkpoint;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(checkpoint) = Checkpoint::parse(text) {
        assert_eq!(checkpoint.to_string(), text);
    }
});
