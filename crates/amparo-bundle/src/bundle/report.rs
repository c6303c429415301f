//! The result of checking a bundle: eight steps in a fixed order, each passed, failed or not
//! checked with a plain-language sentence, and an outcome that the CLI turns into its exit code.

use std::fmt::Write as _;

use serde::Serialize;

/// One verification step and how it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// One of [`Step::NAMES`].
    pub name: &'static str,
    /// How it went, with the details or the reason.
    pub status: StepStatus,
}

/// How a step went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", content = "detail", rename_all = "snake_case")]
pub enum StepStatus {
    /// The step held; the text says what was found.
    Passed(String),
    /// The step did not hold; the text says why.
    Failed(String),
    /// The step could not run or was not asked for; the text says why.
    NotChecked(String),
}

/// What the whole check concludes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every step passed, including the key the user supplied.
    Verified,
    /// Every step passed against the key inside the bundle, but no trusted key was supplied.
    KeyNotChecked,
    /// At least one step failed.
    Failed,
}

impl Outcome {
    /// The exit code of `amparo bundle verify`: 0 verified against the supplied key, 3 everything
    /// holds but no key was supplied, 1 a step failed.
    pub fn exit_code(self) -> i32 {
        match self {
            Outcome::Verified => 0,
            Outcome::KeyNotChecked => 3,
            Outcome::Failed => 1,
        }
    }
}

/// The steps of a check and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The steps, in the order of [`Step::NAMES`].
    pub steps: Vec<Step>,
    /// What they add up to.
    pub outcome: Outcome,
}

impl Step {
    /// The evidence member is read and hashed, and the ZIP container is as written.
    pub const BYTES: &'static str = "bytes";
    /// The evidence's SHA-256 is the content value, which opens the leaf's content commitment.
    pub const CONTENT: &'static str = "content commitment";
    /// The subject and actor values open the leaf's other two commitments.
    pub const SUBJECT_ACTOR: &'static str = "subject and actor commitments";
    /// leaf.bin is a capture leaf whose leaf hash is the proof's.
    pub const LEAF: &'static str = "leaf";
    /// The inclusion proof recomputes the root (RFC 9162 section 2.1.3.2).
    pub const PROOF: &'static str = "proof";
    /// The checkpoint's size and root are the proof's.
    pub const CHECKPOINT: &'static str = "checkpoint";
    /// The checkpoint is signed by the key inside the bundle.
    pub const SIGNATURE: &'static str = "signature";
    /// The checkpoint is signed by the key the user supplied.
    pub const KEY: &'static str = "key";
    /// Every step name, in the order steps run and are reported.
    pub const NAMES: [&'static str; 8] = [
        Step::BYTES,
        Step::CONTENT,
        Step::SUBJECT_ACTOR,
        Step::LEAF,
        Step::PROOF,
        Step::CHECKPOINT,
        Step::SIGNATURE,
        Step::KEY,
    ];
}

impl Report {
    /// A report whose outcome follows from its steps: failed if any step failed, key not checked
    /// if none failed but one was not checked, verified otherwise.
    pub fn from_steps(steps: Vec<Step>) -> Report {
        let any = |wanted: fn(&StepStatus) -> bool| steps.iter().any(|step| wanted(&step.status));
        let outcome = if any(|status| matches!(status, StepStatus::Failed(_))) {
            Outcome::Failed
        } else if any(|status| matches!(status, StepStatus::NotChecked(_))) {
            Outcome::KeyNotChecked
        } else {
            Outcome::Verified
        };
        Report { steps, outcome }
    }

    /// The first step that failed, if any.
    pub fn first_failure(&self) -> Option<&Step> {
        self.steps
            .iter()
            .find(|step| matches!(step.status, StepStatus::Failed(_)))
    }

    /// The report in plain English: a heading, one line per step in order, and the conclusion.
    pub fn render(&self) -> String {
        let mut text = String::from("Amparo evidence bundle check\n\n");
        for (number, step) in self.steps.iter().enumerate() {
            let (label, detail) = match &step.status {
                StepStatus::Passed(detail) => ("passed", detail),
                StepStatus::Failed(reason) => ("FAILED", reason),
                StepStatus::NotChecked(why) => ("not checked", why),
            };
            let _ = writeln!(text, "{}. {:<30} {label}: {detail}", number + 1, step.name);
        }
        text.push('\n');
        text.push_str(match self.outcome {
            Outcome::Verified => {
                "Result: VERIFIED. The file in this bundle is exactly the one the evidence log \
                 recorded, and the log's checkpoint is signed by the key you supplied.\n"
            }
            Outcome::KeyNotChecked => {
                "Result: VERIFIED, EXCEPT THE KEY. Every check passed, but only against the key \
                 carried inside the bundle, and anyone can make a bundle with a key of their own. \
                 Compare that key with the one the installation published, or check again \
                 giving that key.\n"
            }
            Outcome::Failed => {
                "Result: FAILED. At least one check failed, so this bundle does not show that \
                 the file is the one the evidence log recorded.\n"
            }
        });
        text
    }
}
