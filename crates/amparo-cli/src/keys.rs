//! `amparo key …` and the passphrase prompt: opening an installation whose key is protected by a
//! passphrase asks for it on a terminal when `AMPARO_PASSPHRASE` is not set.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use amparo_app::installation::{self, KEY_FILE_ENV, KeyInput, PASSPHRASE_ENV};
use amparo_app::{Actor, App};
use anyhow::Context;

use crate::args::KeyCommand;

/// The environment variable holding the new passphrase of `amparo key rotate --passphrase`.
const NEW_PASSPHRASE_ENV: &str = "AMPARO_NEW_PASSPHRASE";

/// Opens the installation in `dir`, asking for its passphrase on a terminal when one is needed
/// and not in the environment.
pub async fn open_installation(dir: &Path) -> anyhow::Result<App> {
    match installation::open(dir).await {
        Ok(app) => Ok(app),
        Err(error) if installation::needs_passphrase(&error) && std::io::stdin().is_terminal() => {
            let passphrase = ask("Passphrase: ")?;
            Ok(installation::open_with_key(dir, KeyInput::passphrase(&passphrase)).await?)
        }
        Err(error) => Err(error.into()),
    }
}

/// The key of a new installation: a passphrase (from the environment or asked twice) when
/// `passphrase` is set, else the environment's choice (a key file by default).
pub fn init_key(passphrase: bool) -> anyhow::Result<KeyInput> {
    if !passphrase {
        return Ok(KeyInput::FromEnvironment);
    }
    new_passphrase(PASSPHRASE_ENV)
}

/// A new passphrase from `env`, else asked twice on the terminal.
fn new_passphrase(env: &str) -> anyhow::Result<KeyInput> {
    if let Some(text) = std::env::var(env).ok().filter(|text| !text.is_empty()) {
        return Ok(KeyInput::passphrase(&text));
    }
    if !std::io::stdin().is_terminal() {
        anyhow::bail!("set {env} or run the command in a terminal to be asked for the passphrase");
    }
    let first = ask("New passphrase: ")?;
    let second = ask("Repeat it: ")?;
    if first != second {
        anyhow::bail!("the two passphrases differ; nothing was changed");
    }
    Ok(KeyInput::passphrase(&first))
}

fn ask(prompt: &str) -> anyhow::Result<zeroize::Zeroizing<String>> {
    let text = rpassword::prompt_password(prompt).context("reading the passphrase")?;
    Ok(zeroize::Zeroizing::new(text))
}

/// Runs `amparo key …`.
pub async fn run(
    app: &App,
    actor: &Actor,
    dir: &Path,
    command: &KeyCommand,
) -> anyhow::Result<ExitCode> {
    match command {
        KeyCommand::Status { json } => {
            let status = app.key_status(actor).await?;
            let updated = status
                .updated_at
                .format(&time::format_description::well_known::Rfc3339)?;
            if *json {
                let keys: Vec<_> = status
                    .keys
                    .iter()
                    .map(|(purpose, live, destroyed)| {
                        serde_json::json!({"purpose": purpose, "live": live, "destroyed": destroyed})
                    })
                    .collect();
                let value = serde_json::json!({
                    "source": status.source,
                    "generation": status.generation,
                    "updated_at": updated,
                    "keys": keys,
                });
                println!("{value}");
            } else {
                println!("Installation key: {}", status.source);
                println!("Generation: {} (changed {updated})", status.generation);
                for (purpose, live, destroyed) in &status.keys {
                    println!("Data keys for {purpose}: {live} live, {destroyed} destroyed");
                }
            }
        }
        KeyCommand::Rotate {
            passphrase,
            key_file,
        } => {
            let new_key = if *passphrase {
                new_passphrase(NEW_PASSPHRASE_ENV)?
            } else {
                let path = key_file
                    .clone()
                    .or_else(|| std::env::var_os(KEY_FILE_ENV).map(Into::into))
                    .unwrap_or_else(|| dir.join(installation::DEFAULT_KEY_FILE));
                KeyInput::KeyFile(path)
            };
            let rotation = app.rotate_key(actor, new_key, None).await?;
            println!(
                "Re-wrapped {} data keys under the new installation key ({}).",
                rotation.rewrapped, rotation.source
            );
            if let Some(path) = rotation.key_file {
                println!("New key file: {}", path.display());
            }
            println!("The old key or passphrase no longer opens this installation.");
        }
        KeyCommand::Shares { threshold, shares } => {
            crate::backup::shares(app, actor, *threshold, *shares).await?;
        }
        KeyCommand::Recover { output } => crate::backup::recover(output)?,
        KeyCommand::Purge { kind, id, version } => {
            let kind: amparo_model::RecordKind = kind
                .parse()
                .map_err(|error| anyhow::anyhow!("{kind:?} is not a record kind: {error}"))?;
            if app.purge_sensitive(actor, kind, *id, *version).await? {
                println!("Purged the sensitive fields of {kind} {id} v{version}.");
            } else {
                println!("{kind} {id} v{version} has no sensitive fields left to purge.");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
