//! Progress: a bar on a terminal, plain lines now and then in logs and pipes.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// Reports (done, total) for a long-running command.
pub struct Progress {
    bar: Option<ProgressBar>,
    what: &'static str,
    last_line: u64,
}

impl Progress {
    /// Progress of `what` (e.g. "exported versions").
    pub fn new(what: &'static str) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta})")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar.set_message(what);
            bar
        });
        Self {
            bar,
            what,
            last_line: 0,
        }
    }

    /// Records progress.
    pub fn update(&mut self, done: u64, total: u64) {
        match &self.bar {
            Some(bar) => {
                bar.set_length(total);
                bar.set_position(done);
            }
            None => {
                // Without a terminal, a line every 10 % keeps logs readable.
                let step = (total / 10).max(1);
                if done == total || done >= self.last_line + step {
                    eprintln!("{}: {done}/{total}", self.what);
                    self.last_line = done;
                }
            }
        }
    }

    /// Ends the bar.
    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}
