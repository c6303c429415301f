//! `amparo`: the command-line program. It finds its installation, acts as the installation's
//! administrator (recording the operating-system user), and calls `amparo-app` for everything.

mod args;
mod bench;
mod progress;
mod records;
mod serve;
mod transfer;

use std::path::PathBuf;
use std::process::ExitCode;

use amparo_app::installation::{self, InitOptions, os_user};
use amparo_app::{Actor, App};
use anyhow::Context;
use clap::Parser;

use args::{BenchSuite, Cli, Command, LogCommand, TokenCommand, UserCommand};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let default_level = match cli.command {
        Command::Serve { .. } | Command::Demo { .. } => "info",
        // The server runs in the benchmark's process; its slow-query warnings would bury the
        // report (the report's latencies say the same).
        Command::Bench { .. } => "warn,sqlx=error",
        _ => "warn",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level)),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: could not start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The data directory: `--data`, else `$AMPARO_DATA` (both through clap), else the platform's.
fn data_dir(cli: &Cli) -> anyhow::Result<PathBuf> {
    if let Some(dir) = &cli.data {
        return Ok(dir.clone());
    }
    directories::ProjectDirs::from("", "", "amparo")
        .map(|dirs| dirs.data_dir().to_owned())
        .context("no home folder to keep the data in: pass --data DIR or set AMPARO_DATA")
}

async fn open(cli: &Cli) -> anyhow::Result<App> {
    let dir = data_dir(cli)?;
    Ok(installation::open(&dir).await?)
}

fn cli_actor() -> Actor {
    Actor::cli(&os_user())
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let actor = cli_actor();
    match &cli.command {
        Command::Init {
            admin,
            database_url,
            database_schema,
        } => {
            let dir = data_dir(&cli)?;
            let options = InitOptions {
                admin_username: Some(admin.clone()),
                database_url: database_url.clone().unwrap_or_default(),
                database_schema: database_schema.clone().unwrap_or_default(),
            };
            let (app, report) = installation::init(&dir, options).await?;
            println!(
                "Created an Amparo installation in {}",
                report.data_dir.display()
            );
            println!("Evidence log verifier key: {}", app.log_verifier_key()?);
            if let Some((name, password)) = report.admin {
                println!("Administrator: {name}");
                println!("Password: {password}");
                println!("(The password is shown only now: keep it somewhere safe.)");
            }
            println!(
                "Start it with: amparo --data {} serve",
                report.data_dir.display()
            );
        }
        Command::Serve { listen } => {
            let app = open(&cli).await?;
            serve::serve(app, listen.clone()).await?;
        }
        Command::Demo { port } => {
            serve::demo(cli.data.clone(), *port).await?;
        }
        Command::Capture {
            targets,
            cases,
            note,
            json,
        } => {
            let app = open(&cli).await?;
            return transfer::capture(&app, &actor, targets, cases, note, *json).await;
        }
        Command::Record { command } => {
            let app = open(&cli).await?;
            records::run(&app, &actor, command).await?;
        }
        Command::Timeline { person, json } => {
            let app = open(&cli).await?;
            records::timeline(&app, &actor, person, *json).await?;
        }
        Command::Export { output } => {
            let app = open(&cli).await?;
            transfer::export(&app, &actor, output).await?;
        }
        Command::Import { file } => {
            let dir = data_dir(&cli)?;
            let app = if installation::is_installation(&dir) {
                installation::open(&dir).await?
            } else {
                let options = InitOptions {
                    admin_username: None,
                    ..InitOptions::default()
                };
                let (app, _) = installation::init(&dir, options).await?;
                eprintln!(
                    "Created a new installation in {} for the import",
                    dir.display()
                );
                app
            };
            transfer::import(&app, &actor, file).await?;
        }
        Command::Gc { min_age } => {
            let app = open(&cli).await?;
            transfer::gc(&app, &actor, *min_age).await?;
        }
        Command::Log { command } => {
            let app = open(&cli).await?;
            match command {
                LogCommand::Key => println!("{}", app.log_verifier_key()?),
            }
        }
        Command::User { command } => {
            let app = open(&cli).await?;
            match command {
                UserCommand::Add { username, role } => {
                    let (_, password) = app.create_user(&actor, username, (*role).into()).await?;
                    println!("User: {username}");
                    println!("Password: {password}");
                }
                UserCommand::ResetPassword { username } => {
                    let password = app.reset_password(&actor, username).await?;
                    println!("User: {username}");
                    println!("Password: {password}");
                }
            }
        }
        Command::Token { command } => {
            let app = open(&cli).await?;
            tokens(&app, &actor, command).await?;
        }
        Command::Bench { suite } => match suite {
            BenchSuite::Web {
                persons,
                clients,
                seconds,
                json,
                keep,
            } => {
                let options = bench::WebOptions {
                    persons: *persons,
                    clients: *clients,
                    seconds: *seconds,
                    json: *json,
                    keep: keep.clone(),
                };
                bench::web(&options).await?;
            }
        },
    }
    Ok(ExitCode::SUCCESS)
}

/// `amparo token create|list|revoke`.
async fn tokens(app: &App, actor: &Actor, command: &TokenCommand) -> anyhow::Result<()> {
    match command {
        TokenCommand::Create {
            username,
            label,
            json,
        } => {
            let (info, secret) = app.create_api_token(actor, username, label).await?;
            if *json {
                let mut value = serde_json::to_value(&info)?;
                value["token"] = serde_json::Value::String(secret);
                println!("{value}");
            } else {
                println!("Token id: {}", info.id);
                println!("User: {}", info.username);
                println!("Token: {secret}");
                println!(
                    "(The token is shown only now: keep it somewhere safe. Send it as `Authorization: Bearer <token>`.)"
                );
            }
        }
        TokenCommand::List { user, json } => {
            let tokens = app.list_api_tokens(actor, user.as_deref()).await?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&tokens)?);
            } else if tokens.is_empty() {
                println!("No API tokens.");
            } else {
                for token in tokens {
                    let state = match (token.revoked_at, token.last_used_at) {
                        (Some(at), _) => format!("revoked {}", at.date()),
                        (None, Some(at)) => format!("last used {}", at.date()),
                        (None, None) => "never used".to_owned(),
                    };
                    println!(
                        "{}  {}  created {}  {}  {}",
                        token.id,
                        token.username,
                        token.created_at.date(),
                        state,
                        token.label
                    );
                }
            }
        }
        TokenCommand::Revoke { id } => {
            app.revoke_api_token(actor, *id).await?;
            println!("Revoked API token {id}");
        }
    }
    Ok(())
}
