//! Crash safety of `amparo capture`: runs killed with SIGKILL at random moments keep every
//! capture they reported, never leave a record without its intact blob, and leave an evidence
//! log that checks intact with a leaf for every capture.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use sha2::{Digest, Sha256};

/// Files to capture.
const FILES: usize = 200;
/// Capture runs killed with SIGKILL before the final, uninterrupted one.
const ROUNDS: usize = 20;
/// Largest file written, in bytes.
const MAX_SIZE: u64 = 256 * 1024;

/// A small deterministic generator (xorshift64*), so a failure can be replayed from its seed.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `low..=high`.
    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }

    fn fill(&mut self, bytes: &mut [u8]) {
        for chunk in bytes.chunks_mut(8) {
            let word = self.next().to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
    }
}

mod common;

use common::amparo_ok as amparo;

/// `amparo --data DIR`, ready for more arguments.
fn command(dir: &Path) -> Command {
    common::command(Some(dir))
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "stdout is not JSON ({error}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// One file to capture.
struct Original {
    path: PathBuf,
    bytes: Vec<u8>,
    sha256: String,
}

/// One capture the CLI reported as done.
#[derive(Debug)]
struct Reported {
    round: usize,
    file: usize,
    id: String,
    sha256: String,
    size: u64,
}

/// Writes `FILES` files of distinct random content, from a few bytes to `MAX_SIZE`.
fn make_files(folder: &Path, rng: &mut XorShift) -> Vec<Original> {
    std::fs::create_dir(folder).unwrap();
    let mut seen = HashSet::new();
    let mut files = Vec::new();
    while files.len() < FILES {
        // Sizes spread over every order of magnitude: pick a power of two, then a size below it.
        let ceiling = 1u64 << rng.between(2, MAX_SIZE.ilog2().into());
        let size = rng.between(3, ceiling.max(3));
        let mut bytes = vec![0; size as usize];
        rng.fill(&mut bytes);
        let sha256 = sha256_hex(&bytes);
        if !seen.insert(sha256.clone()) {
            continue;
        }
        let path = folder.join(format!("file-{:03}.bin", files.len()));
        std::fs::write(&path, &bytes).unwrap();
        files.push(Original {
            path,
            bytes,
            sha256,
        });
    }
    files
}

/// Reads complete lines until end of file; a last line without its newline was cut off by the
/// kill and reports nothing.
fn read_lines(stdout: impl std::io::Read) -> (Vec<String>, bool) {
    let mut reader = BufReader::new(stdout);
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return (lines, false),
            Ok(_) if line.ends_with('\n') => lines.push(line),
            Ok(_) => return (lines, true),
        }
    }
}

/// Reads the `--json` lines of a capture run into reports, checking each against its file.
fn parse_reports(
    round: usize,
    lines: &[String],
    files: &[Original],
    by_path: &HashMap<String, usize>,
) -> Vec<Reported> {
    lines
        .iter()
        .map(|line| {
            let value: Value = serde_json::from_str(line)
                .unwrap_or_else(|error| panic!("round {round}: {line:?} is not JSON: {error}"));
            let target = value["target"].as_str().expect("target");
            let file = by_path[target];
            let reported = Reported {
                round,
                file,
                id: value["id"].as_str().expect("id").to_owned(),
                sha256: value["sha256"].as_str().expect("sha256").to_owned(),
                size: value["size"].as_u64().expect("size"),
            };
            assert_eq!(reported.sha256, files[file].sha256, "round {round}: {line}");
            assert_eq!(
                reported.size,
                files[file].bytes.len() as u64,
                "round {round}: {line}"
            );
            reported
        })
        .collect()
}

/// Blob files in the data directory: (keyed blobs, staging files of interrupted writes).
fn blob_files(data: &Path) -> (BTreeMap<String, Vec<u8>>, Vec<PathBuf>) {
    let mut blobs = BTreeMap::new();
    let mut staging = Vec::new();
    for shard in std::fs::read_dir(data.join("blobs")).unwrap() {
        let shard = shard.unwrap().path();
        if !shard.is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(&shard).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let is_key = name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit());
            if is_key {
                blobs.insert(name, std::fs::read(&path).unwrap());
            } else {
                staging.push(path);
            }
        }
    }
    (blobs, staging)
}

/// Exports to `file` and returns the blob of each capture id, checking that there is exactly
/// one blob per capture record and nothing else.
fn export_blobs(
    data: &Path,
    file: &Path,
    capture_ids: &HashSet<String>,
) -> BTreeMap<String, Vec<u8>> {
    amparo(data, &["export", "-o", file.to_str().unwrap()]);
    let mut blob_dir = file.as_os_str().to_owned();
    blob_dir.push(".blobs");
    let mut blobs = BTreeMap::new();
    for entry in std::fs::read_dir(PathBuf::from(blob_dir)).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        blobs.insert(name, std::fs::read(&path).unwrap());
    }
    let exported: HashSet<String> = blobs.keys().cloned().collect();
    assert_eq!(
        blobs.len(),
        capture_ids.len(),
        "the export holds one blob per capture"
    );
    assert_eq!(
        &exported, capture_ids,
        "the export's blobs are named by capture id"
    );
    blobs
}

#[test]
fn killed_captures_never_lose_or_corrupt_evidence() {
    let started = Instant::now();
    let seed = 0x5eed_a3a7_0c0f_fee5;
    let mut rng = XorShift(seed);
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    amparo(&data, &["init"]);
    let files = make_files(&temp.path().join("files"), &mut rng);
    let by_path: HashMap<String, usize> = files
        .iter()
        .enumerate()
        .map(|(index, file)| (file.path.to_str().unwrap().to_owned(), index))
        .collect();

    let mut reported: Vec<Reported> = Vec::new();
    let mut remaining: Vec<usize> = (0..FILES).collect();
    let mut per_round = Vec::new();
    let mut killed_mid_way = 0;
    let mut runs = 0;
    let mut cut_lines = 0;
    // Kill delays in milliseconds, drawn between `shortest` and `longest`. A debug build on a
    // fast disk captures a small file in a few milliseconds, a slow machine takes far longer, so
    // `longest` follows what the runs report: shorter when a run captures more than twice its
    // share (or ends before its kill), longer when a run is killed before capturing anything.
    let share = FILES / ROUNDS / 2;
    let (shortest, mut longest) = (2, 40);
    for round in 0..ROUNDS {
        if remaining.is_empty() {
            break;
        }
        runs += 1;
        let delay = rng.between(shortest, longest);
        let stderr = File::create(temp.path().join(format!("round-{round}.stderr"))).unwrap();
        let mut child = command(&data)
            .args(["capture", "--json"])
            .args(remaining.iter().map(|&index| &files[index].path))
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || read_lines(stdout));
        std::thread::sleep(Duration::from_millis(delay));
        let exited = child.try_wait().unwrap();
        if exited.is_none() {
            child.kill().unwrap();
        }
        child.wait().unwrap();
        let (lines, cut) = reader.join().unwrap();
        cut_lines += usize::from(cut);
        let reports = parse_reports(round, &lines, &files, &by_path);
        let done: HashSet<usize> = reports.iter().map(|report| report.file).collect();
        remaining.retain(|index| !done.contains(index));
        match exited {
            None => killed_mid_way += 1,
            Some(status) => assert!(status.success(), "round {round} failed by itself: {status}"),
        }
        if exited.is_some() || reports.len() > 2 * share {
            longest = (longest * 2 / 3).max(shortest + 5);
        } else if reports.is_empty() {
            longest = (longest * 3 / 2).min(5_000);
        }
        per_round.push(format!(
            "{}{} after {delay} ms",
            reports.len(),
            if exited.is_none() {
                ""
            } else {
                " (ended by itself)"
            }
        ));
        reported.extend(reports);
    }

    // The last run, uninterrupted, captures whatever is left.
    let last = ROUNDS;
    if !remaining.is_empty() {
        let mut args = vec!["capture".to_owned(), "--json".to_owned()];
        args.extend(remaining.iter().map(|&index| by_path_key(&files[index])));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = amparo(&data, &args);
        let text = String::from_utf8(output.stdout).unwrap();
        let lines: Vec<String> = text.lines().map(|line| format!("{line}\n")).collect();
        let reports = parse_reports(last, &lines, &files, &by_path);
        per_round.push(format!("{} (final)", reports.len()));
        let done: HashSet<usize> = reports.iter().map(|report| report.file).collect();
        remaining.retain(|index| !done.contains(index));
        reported.extend(reports);
    }
    eprintln!("captures reported per run: [{}]", per_round.join(", "));
    assert!(remaining.is_empty(), "never captured: {remaining:?}");
    assert!(
        killed_mid_way >= ROUNDS / 2,
        "only {killed_mid_way} of {ROUNDS} runs were killed mid-way: kill sooner"
    );
    assert!(
        reported.iter().any(|report| report.round < last),
        "no run reported a capture before it was killed: the delays are too short"
    );

    // Every reported id is unique and present with its reported SHA-256.
    let mut reported_ids = HashSet::new();
    for report in &reported {
        assert!(
            reported_ids.insert(report.id.clone()),
            "{} reported twice",
            report.id
        );
    }
    let listed = json(&amparo(&data, &["record", "list", "capture", "--json"]));
    let listed = listed.as_array().expect("a JSON array");
    let mut records: HashMap<String, (String, u64)> = HashMap::new();
    for record in listed {
        assert_eq!(record["kind"], "capture");
        assert_eq!(record["version"], 1);
        let id = record["id"].as_str().unwrap().to_owned();
        let sha256 = record["record"]["sha256"].as_str().unwrap().to_owned();
        let size = record["record"]["size"].as_u64().unwrap();
        assert!(
            records.insert(id.clone(), (sha256, size)).is_none(),
            "capture {id} listed twice"
        );
    }
    for report in &reported {
        let (sha256, size) = records
            .get(&report.id)
            .unwrap_or_else(|| panic!("reported capture {report:?} is missing"));
        assert_eq!(sha256, &report.sha256, "{report:?}");
        assert_eq!(*size, report.size, "{report:?}");
    }

    // Every capture record is one of the files, and every file has a capture. A file captured
    // but killed before its line was printed is captured again: at most one per killed run.
    let by_sha: HashMap<&str, &Original> = files
        .iter()
        .map(|file| (file.sha256.as_str(), file))
        .collect();
    let mut captures_per_file: HashMap<&str, usize> = HashMap::new();
    for (id, (sha256, size)) in &records {
        let file = by_sha
            .get(sha256.as_str())
            .unwrap_or_else(|| panic!("capture {id} has SHA-256 {sha256} of no file"));
        assert_eq!(*size, file.bytes.len() as u64, "capture {id}");
        *captures_per_file.entry(file.sha256.as_str()).or_default() += 1;
    }
    assert_eq!(captures_per_file.len(), FILES, "every file has a capture");
    let unreported = records.len() - reported.len();
    assert!(
        unreported <= killed_mid_way,
        "{unreported} captures were never reported, more than the {killed_mid_way} killed runs"
    );

    // The evidence log checks intact and holds one capture leaf per capture record; every
    // capture a killed run reported has its own leaf, proven in the latest checkpoint.
    let report = json(&amparo(&data, &["log", "check", "--json"]));
    assert_eq!(report["intact"], true, "{report}");
    assert_eq!(
        report["by_kind"]["capture"].as_u64(),
        Some(records.len() as u64),
        "{report}"
    );
    assert_eq!(report["latest_size"], report["leaves"], "{report}");
    let mut leaves = HashSet::new();
    for captured in reported.iter().filter(|report| report.round < last) {
        let output = amparo(&data, &["log", "proof", "--capture", &captured.id]);
        let proof = amparo_bundle::ProofJson::parse(&output.stdout)
            .unwrap_or_else(|error| panic!("{captured:?}: {error}"));
        let amparo_bundle::ProofJson::Inclusion(inclusion) = &proof else {
            panic!("{captured:?}: not an inclusion proof");
        };
        proof
            .verify()
            .unwrap_or_else(|error| panic!("{captured:?}: {error}"));
        assert_eq!(Some(inclusion.tree_size), report["leaves"].as_u64());
        assert!(
            leaves.insert(inclusion.leaf_idx),
            "{captured:?} shares leaf {}",
            inclusion.leaf_idx
        );
    }

    // Every capture's bytes read back equal the original file's.
    let capture_ids: HashSet<String> = records.keys().cloned().collect();
    let check_blobs = |blobs: &BTreeMap<String, Vec<u8>>| {
        for (id, bytes) in blobs {
            let (sha256, _) = &records[id];
            assert_eq!(&sha256_hex(bytes), sha256, "blob of capture {id}");
            assert!(
                bytes == &by_sha[sha256.as_str()].bytes,
                "blob of capture {id} differs"
            );
        }
    };
    let exported = export_blobs(&data, &temp.path().join("export.jsonl"), &capture_ids);
    check_blobs(&exported);

    // gc removes only blobs no capture names, and the staging files (`KEY#N`) that a kill
    // during a blob write leaves: afterwards one blob per distinct content remains, no partial
    // copy of the evidence is left, and a new export reads back the same bytes.
    let (stored, staging) = blob_files(&data);
    assert!(
        stored.len() >= FILES,
        "{} blobs for {FILES} files",
        stored.len()
    );
    let orphans = stored.len() - FILES;
    let gc = amparo(&data, &["gc", "--min-age", "0"]);
    let gc_text = String::from_utf8(gc.stdout).unwrap();
    let removed = gc_text
        .lines()
        .filter(|line| line.starts_with("removed unreferenced blob "))
        .count();
    assert_eq!(removed, orphans, "gc output:\n{gc_text}");
    let partial_line = format!("{} partial writes removed", staging.len());
    assert!(gc_text.contains(&partial_line), "gc output:\n{gc_text}");
    let (after_gc, staging_after_gc) = blob_files(&data);
    assert_eq!(after_gc.len(), FILES, "one blob per file after gc");
    assert!(staging_after_gc.is_empty(), "gc left {staging_after_gc:?}");
    for (key, bytes) in &after_gc {
        assert_eq!(stored.get(key), Some(bytes), "gc changed blob {key}");
    }
    let exported_again = export_blobs(&data, &temp.path().join("export-2.jsonl"), &capture_ids);
    assert_eq!(
        exported, exported_again,
        "gc changed what the export reads back"
    );

    eprintln!(
        "crash test (seed {seed:#x}): {killed_mid_way} of {} runs killed mid-way; captures reported per run: [{}]; \
         {} capture records for {FILES} files ({unreported} captured but unreported before a kill); \
         {cut_lines} output lines cut by a kill; {orphans} orphan blobs removed by gc; \
         {} staging files of interrupted blob writes removed by gc; {:.1} s",
        runs,
        per_round.join(", "),
        records.len(),
        staging.len(),
        started.elapsed().as_secs_f64()
    );
}

fn by_path_key(file: &Original) -> String {
    file.path.to_str().unwrap().to_owned()
}
