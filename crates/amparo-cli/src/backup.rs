//! `amparo backup`, `amparo restore`, `amparo key shares` and `amparo key recover`
//! (docs/backup.md).

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use amparo_app::backup::{self, BackupSeal, RestoreKeys};
use amparo_app::installation::{KEY_FILE_ENV, KeyInput, PASSPHRASE_ENV};
use amparo_app::shares;
use amparo_app::{Actor, App};
use anyhow::Context;
use zeroize::Zeroizing;

/// The environment variable holding the backup passphrase.
const BACKUP_PASSPHRASE_ENV: &str = "AMPARO_BACKUP_PASSPHRASE";

/// `amparo backup -o FILE [--passphrase] [--json]`.
pub async fn backup(
    app: &App,
    actor: &Actor,
    output: &Path,
    passphrase: bool,
    json: bool,
) -> anyhow::Result<()> {
    let seal = if passphrase {
        BackupSeal::Passphrase(new_backup_passphrase()?, None)
    } else {
        BackupSeal::InstallationKey
    };
    let report = app.backup(actor, output, seal).await?;
    if json {
        let value = serde_json::json!({
            "file": output.display().to_string(),
            "files": report.files,
            "blobs": report.blobs,
            "bytes": report.bytes,
            "size": report.size,
            "sha256": report.sha256,
            "sealed_with": report.sealed_with,
        });
        println!("{value}");
    } else {
        println!(
            "Wrote {}: {} files ({} blobs, {} bytes), sealed with the {}",
            output.display(),
            report.files,
            report.blobs,
            report.bytes,
            if report.sealed_with == "passphrase" {
                "backup passphrase"
            } else {
                "installation key"
            }
        );
        println!("SHA-256 {} ({} bytes)", report.sha256, report.size);
        if report.sealed_with != "passphrase" {
            println!(
                "Restoring it needs this installation's key file or passphrase: keep them apart \
                 from the backup, or print recovery shares with `amparo key shares`."
            );
        }
    }
    Ok(())
}

/// `amparo --data DIR restore FILE [--key-file KEY]`: exit 0 when the backup was restored and
/// its evidence log is intact.
pub async fn restore(file: &Path, dir: &Path, key_file: Option<&Path>) -> anyhow::Result<ExitCode> {
    let header = backup::read_backup_header(file)?;
    let mut keys = RestoreKeys::default();
    if header.needs_backup_passphrase() {
        keys.backup_passphrase = Some(match env_text(BACKUP_PASSPHRASE_ENV) {
            Some(text) => text,
            None if std::io::stdin().is_terminal() => ask("Backup passphrase: ")?,
            None => anyhow::bail!(
                "this backup is sealed with a backup passphrase: set {BACKUP_PASSPHRASE_ENV} or run the command in a terminal to be asked for it"
            ),
        });
    }
    if header.needs_installation_key() {
        keys.installation = if let Some(path) = key_file {
            Some(KeyInput::KeyFile(path.to_owned()))
        } else if let Some(path) = std::env::var_os(KEY_FILE_ENV).filter(|path| !path.is_empty()) {
            Some(KeyInput::KeyFile(path.into()))
        } else if header.installation_key_source == "passphrase" {
            match env_text(PASSPHRASE_ENV) {
                Some(text) => Some(KeyInput::Passphrase(text)),
                None if std::io::stdin().is_terminal() => Some(KeyInput::Passphrase(ask(
                    "The installation's passphrase: ",
                )?)),
                None => None,
            }
        } else {
            None
        };
    }
    let report = backup::restore(file, dir, keys).await?;
    println!(
        "Restored {} files ({} blobs, {} bytes) into {}, each checked against the manifest",
        report.files,
        report.blobs,
        report.bytes,
        dir.display()
    );
    if report.key_file_restored {
        println!(
            "The installation key was restored as {}: if it was kept apart from the data, move \
             it away again and set {KEY_FILE_ENV}",
            dir.join("installation.key").display()
        );
    } else if let Some(path) = key_file {
        println!(
            "Open it with the same key file: set {KEY_FILE_ENV}={} or copy it to {}",
            path.display(),
            dir.join("installation.key").display()
        );
    }
    let log = &report.log;
    let [captures, versions, exports, audit] = log.by_kind;
    println!(
        "Evidence log: {} leaves ({captures} captures, {versions} record versions, {exports} \
         exports, {audit} audit events), {} opened against their commitments, {} signed \
         checkpoints checked",
        log.leaves, log.opened, log.checkpoints
    );
    for problem in &log.problems {
        eprintln!("problem: {problem}");
    }
    if log.is_intact() {
        println!("The evidence log is intact.");
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "The evidence log is NOT intact: {} problem(s) found",
            log.problems.len()
        );
        Ok(ExitCode::FAILURE)
    }
}

/// `amparo key shares --threshold K --shares N`.
pub async fn shares(app: &App, actor: &Actor, threshold: u16, count: u16) -> anyhow::Result<()> {
    let made = app.key_shares(actor, threshold, count).await?;
    println!(
        "Recovery shares of the installation key: any {threshold} of these {count} give it back \
         with `amparo key recover`; fewer tell nothing about it."
    );
    println!(
        "Print them, give each to a different trusted person, and do not keep them with the \
         data. They are shown only now."
    );
    println!();
    for share in &made {
        println!("Share {} of {count}:", share.index());
        println!("{}", share.to_text().as_str());
        println!();
    }
    Ok(())
}

/// `amparo key recover -o FILE`: reads shares, one per line, until the threshold is reached.
pub fn recover(output: &Path) -> anyhow::Result<()> {
    if output.exists() {
        anyhow::bail!("{} exists: choose another file name", output.display());
    }
    let terminal = std::io::stdin().is_terminal();
    if terminal {
        eprintln!("Type or paste the shares, one per line; an empty line ends.");
    }
    let mut texts: Vec<Zeroizing<String>> = Vec::new();
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    loop {
        if let Some(first) = texts.first()
            && let Ok(share) = shares::Share::parse(first, 1)
            && texts.len() >= usize::from(share.threshold())
        {
            break;
        }
        if terminal {
            eprint!("Share {}: ", texts.len() + 1);
            std::io::stderr().flush().ok();
        }
        let Some(line) = lines.next() else { break };
        let line = Zeroizing::new(line.context("reading the shares")?);
        if line.trim().is_empty() {
            if terminal {
                break;
            }
            continue;
        }
        match shares::Share::parse(&line, texts.len() + 1) {
            Ok(_) => texts.push(line),
            Err(error) if terminal => eprintln!("{error}; type it again"),
            Err(error) => return Err(error.into()),
        }
    }
    let key = shares::recover_key(&texts)?;
    write_key_file(output, key.to_key_file().as_bytes())?;
    println!(
        "Wrote the recovered installation key to {}",
        output.display()
    );
    println!(
        "It opens the installation in place of its key file or passphrase: set \
         {KEY_FILE_ENV}={} (then, if you like, `amparo key rotate` to a new key file or \
         passphrase), or give it to `amparo restore --key-file`.",
        output.display()
    );
    Ok(())
}

fn write_key_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("writing {}", path.display()))
}

fn env_text(name: &str) -> Option<Zeroizing<String>> {
    std::env::var(name)
        .ok()
        .filter(|text| !text.is_empty())
        .map(Zeroizing::new)
}

/// The backup passphrase: from the environment, else asked twice on a terminal.
fn new_backup_passphrase() -> anyhow::Result<Zeroizing<String>> {
    if let Some(text) = env_text(BACKUP_PASSPHRASE_ENV) {
        return Ok(text);
    }
    if !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "set {BACKUP_PASSPHRASE_ENV} or run the command in a terminal to be asked for the backup passphrase"
        );
    }
    let first = ask("Backup passphrase: ")?;
    let second = ask("Repeat it: ")?;
    if first != second {
        anyhow::bail!("the two passphrases differ; no backup was written");
    }
    Ok(first)
}

fn ask(prompt: &str) -> anyhow::Result<Zeroizing<String>> {
    let text = rpassword::prompt_password(prompt).context("reading the passphrase")?;
    Ok(Zeroizing::new(text))
}
