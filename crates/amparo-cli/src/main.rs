//! `amparo`: the command-line program. It finds its installation, acts as the installation's
//! administrator (recording the operating-system user), and calls `amparo-app` for everything.

mod args;
mod audit;
mod backup;
mod bench;
mod bundle;
mod feeds;
mod inspect;
mod inspect_text;
mod keys;
mod log;
mod progress;
mod records;
mod review;
mod search;
mod serve;
mod transfer;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::OnceLock;

use amparo_app::installation::{self, InitOptions, os_user};
use amparo_app::{Actor, App, NewToken, Scopes};
use anyhow::Context;
use clap::Parser;

use args::{
    BenchSuite, BundleCommand, Cli, Command, GrantCommand, IndexCommand, InspectCommand,
    ProofCommand, SearchArgs, TeamCommand, TokenCommand, UserCommand,
};

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

/// Opens the installation, once per run; `run` finds it again in `opened` to sign the final
/// checkpoint.
async fn open<'a>(cli: &Cli, opened: &'a OnceLock<App>) -> anyhow::Result<&'a App> {
    if let Some(app) = opened.get() {
        return Ok(app);
    }
    let dir = data_dir(cli)?;
    let app = keys::open_installation(&dir).await?;
    Ok(opened.get_or_init(|| app))
}

fn cli_actor() -> Actor {
    Actor::cli(&os_user())
}

/// Runs a command; one that writes ends by signing a checkpoint that covers its writes, even
/// if it failed part-way, so that a one-shot command leaves nothing unsigned behind it.
async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let opened = OnceLock::new();
    let result = dispatch(&cli, &opened).await;
    let Some(app) = opened.get().filter(|_| cli.command.writes()) else {
        return result;
    };
    match app.sign_checkpoint().await {
        Ok(_) => result,
        Err(error) => {
            let error = anyhow::Error::from(error).context(
                "the changes are saved, but no signed checkpoint covers them yet (the next \
                 write, `amparo log checkpoint` or the server will sign one)",
            );
            match result {
                Ok(_) => Err(error),
                Err(first) => {
                    eprintln!("error: {error:#}");
                    Err(first)
                }
            }
        }
    }
}

async fn dispatch(cli: &Cli, opened: &OnceLock<App>) -> anyhow::Result<ExitCode> {
    let actor = cli_actor();
    match &cli.command {
        Command::Init {
            admin,
            database_url,
            database_schema,
            passphrase,
        } => {
            let dir = data_dir(cli)?;
            let options = InitOptions {
                admin_username: Some(admin.clone()),
                database_url: database_url.clone().unwrap_or_default(),
                database_schema: database_schema.clone().unwrap_or_default(),
                key: keys::init_key(*passphrase)?,
                ..InitOptions::default()
            };
            let (app, report) = installation::init(&dir, options).await?;
            let app = opened.get_or_init(|| app);
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
            let app = open(cli, opened).await?;
            serve::serve(app.clone(), listen.clone()).await?;
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
            let app = open(cli, opened).await?;
            return transfer::capture(app, &actor, targets, cases, note, *json).await;
        }
        Command::Record { command } => {
            let app = open(cli, opened).await?;
            records::run(app, &actor, command).await?;
        }
        Command::Timeline { person, json } => {
            let app = open(cli, opened).await?;
            records::timeline(app, &actor, person, *json).await?;
        }
        Command::Export { output } => {
            let app = open(cli, opened).await?;
            transfer::export(app, &actor, output).await?;
        }
        Command::Import { file } => {
            let dir = data_dir(cli)?;
            let app = if installation::is_installation(&dir) {
                keys::open_installation(&dir).await?
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
            let app = opened.get_or_init(|| app);
            transfer::import(app, &actor, file).await?;
        }
        Command::Feed { command } => {
            let app = open(cli, opened).await?;
            return feeds::run(app, &actor, command).await;
        }
        Command::Review {
            document,
            process,
            accept_confident,
            threshold,
            pending,
            json,
        } => {
            let app = open(cli, opened).await?;
            let options = review::Options {
                process: *process,
                accept_confident: *accept_confident,
                threshold: *threshold,
                json: *json,
            };
            match (pending, document) {
                (Some(limit), _) => review::pending(app, &actor, *limit, *json).await?,
                (None, Some(document)) => review::run(app, &actor, *document, &options).await?,
                (None, None) => anyhow::bail!("name a document, or give --pending N"),
            }
        }
        Command::Audit {
            actor: who,
            action,
            subject,
            since,
            limit,
            json,
        } => {
            let app = open(cli, opened).await?;
            audit::list(
                app,
                &actor,
                audit::Query {
                    actor: who.clone(),
                    action: action.clone(),
                    subject: subject.clone(),
                    since: since.clone(),
                    limit: *limit,
                },
                *json,
            )
            .await?;
        }
        Command::Search(search) => {
            let SearchArgs {
                query,
                prefix,
                kind,
                case,
                language,
                violation,
                custody_status,
                place,
                year,
                from,
                to,
                sort,
                page,
                per_page,
                facets,
                json,
            } = search.as_ref();
            let app = open(cli, opened).await?;
            let params = amparo_app::SearchParams {
                q: query.clone(),
                prefix: *prefix,
                kind: kind.clone(),
                case: case.clone(),
                language: language.clone(),
                violation: violation.clone(),
                custody_status: custody_status.clone(),
                place: place.clone(),
                year: year.clone(),
                from: from.clone(),
                to: to.clone(),
                sort: sort.clone(),
                page: Some(*page),
                per_page: Some(*per_page),
                facets: facets.clone(),
            };
            search::search(app, &actor, &params, *json).await?;
        }
        Command::Index {
            command: IndexCommand::Rebuild { json },
        } => {
            let app = open(cli, opened).await?;
            search::rebuild(app, &actor, *json).await?;
        }
        Command::Gc { min_age } => {
            let app = open(cli, opened).await?;
            transfer::gc(app, &actor, *min_age).await?;
        }
        Command::Log { command } => {
            let app = open(cli, opened).await?;
            return log::run(app, command).await;
        }
        Command::Bundle { command } => match command {
            BundleCommand::Create { capture_id, output } => {
                let app = open(cli, opened).await?;
                bundle::create(app, &actor, *capture_id, output).await?;
            }
            // Checking needs no installation: none is opened.
            BundleCommand::Verify { file, key } => {
                return bundle::verify(file, key.as_deref()).await;
            }
        },
        Command::Inspect { command } => match command {
            InspectCommand::Feed { file, url } => inspect::feed(file, url.as_deref())?,
            InspectCommand::Article { file, url } => inspect::article(file, url.as_deref())?,
            InspectCommand::Lang { file } => inspect::lang(file)?,
            InspectCommand::Text {
                file,
                lang,
                published,
            } => {
                // Only a data directory named with --data or AMPARO_DATA is opened.
                let app = match &cli.data {
                    Some(_) => Some(open(cli, opened).await?),
                    None => None,
                };
                let language = lang.map(Into::into);
                let installation = app.map(|app| (app, &actor));
                inspect_text::text(file, language, *published, installation).await?;
            }
        },
        Command::Proof { command } => match command {
            ProofCommand::Verify { file } => return Ok(bundle::verify_proof(file)),
        },
        Command::Backup {
            output,
            passphrase,
            json,
        } => {
            let app = open(cli, opened).await?;
            backup::backup(app, &actor, output, *passphrase, *json).await?;
        }
        Command::Restore { file, key_file } => {
            let dir = data_dir(cli)?;
            return backup::restore(file, &dir, key_file.as_deref()).await;
        }
        // Recovering the key needs no installation: none is opened.
        Command::Key {
            command: args::KeyCommand::Recover { output },
        } => backup::recover(output)?,
        Command::Key { command } => {
            let dir = data_dir(cli)?;
            let app = open(cli, opened).await?;
            return keys::run(app, &actor, &dir, command).await;
        }
        Command::User { command } => {
            let app = open(cli, opened).await?;
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
                UserCommand::Disable { username } => {
                    let revoked = app.set_user_disabled(&actor, username, true).await?;
                    println!(
                        "Disabled user {username}: {revoked} API tokens revoked; their web sessions end at their next request"
                    );
                }
                UserCommand::Enable { username } => {
                    app.set_user_disabled(&actor, username, false).await?;
                    println!("Enabled user {username}");
                }
                UserCommand::Role { username, role } => {
                    let user = app.set_user_role(&actor, username, (*role).into()).await?;
                    println!("User {username} is now {}", user.body.role.as_str());
                }
                UserCommand::List => {
                    for user in app.users(&actor).await? {
                        println!(
                            "{:<24} {:<11} {}",
                            user.body.username,
                            user.body.role.as_str(),
                            if user.body.disabled { "disabled" } else { "" }
                        );
                    }
                }
                UserCommand::TotpReset { username } => {
                    if app.reset_totp(&actor, username).await? {
                        println!(
                            "Removed the second factor of {username}: the password alone signs in until they enrol again"
                        );
                    } else {
                        println!("User {username} had no second factor");
                    }
                }
            }
        }
        Command::Team { command } => {
            let app = open(cli, opened).await?;
            match command {
                TeamCommand::Add { name, members } => {
                    let team = app.create_team(&actor, name, members).await?;
                    println!(
                        "Team {name} ({}), {} members",
                        team.id,
                        team.body.member_ids.len()
                    );
                }
                TeamCommand::Members { name, add, remove } => {
                    let team = app.change_team_members(&actor, name, add, remove).await?;
                    println!("Team {name} now has {} members", team.body.member_ids.len());
                }
                TeamCommand::List => {
                    let users = app.users(&actor).await?;
                    for team in app.teams(&actor).await? {
                        let members: Vec<&str> = team
                            .body
                            .member_ids
                            .iter()
                            .filter_map(|id| {
                                users
                                    .iter()
                                    .find(|user| user.id == id.0)
                                    .map(|user| user.body.username.as_str())
                            })
                            .collect();
                        println!("{:<24} {}", team.body.name, members.join(", "));
                    }
                }
            }
        }
        Command::Grant { command } => {
            let app = open(cli, opened).await?;
            match command {
                GrantCommand::Add {
                    case,
                    user,
                    team,
                    rights,
                } => {
                    let grantee = match (user, team) {
                        (Some(user), _) => amparo_app::GranteeName::User(user.clone()),
                        (None, Some(team)) => amparo_app::GranteeName::Team(team.clone()),
                        (None, None) => {
                            anyhow::bail!("say who receives the rights: --user or --team")
                        }
                    };
                    let rights = amparo_app::parse_rights(rights)?;
                    let grant = app.grant_rights(&actor, case, &grantee, rights).await?;
                    println!("Granted ({})", grant.id);
                }
                GrantCommand::List { json } => {
                    for grant in app.grants(&actor).await? {
                        if *json {
                            println!(
                                "{}",
                                serde_json::json!({
                                    "id": grant.id,
                                    "version": grant.version,
                                    "case_id": grant.case_id,
                                    "case": grant.case,
                                    "grantee": grant.grantee,
                                    "rights": grant.rights,
                                })
                            );
                        } else {
                            println!(
                                "{}  {:<20} {:<24} {}",
                                grant.id,
                                grant.case,
                                grant.grantee,
                                grant.rights.join(",")
                            );
                        }
                    }
                }
                GrantCommand::Remove { id } => {
                    app.withdraw_grant(&actor, *id).await?;
                    println!("Withdrew grant {id}");
                }
            }
        }
        Command::Token { command } => {
            let app = open(cli, opened).await?;
            tokens(app, &actor, command).await?;
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
            BenchSuite::Log {
                leaves,
                batch,
                proof_leaves,
                proofs,
                bundle_mb,
                json,
                keep,
            } => {
                let options = bench::LogOptions {
                    leaves: *leaves,
                    batch: *batch,
                    proof_leaves: *proof_leaves,
                    proofs: *proofs,
                    bundle_mb: *bundle_mb,
                    json: *json,
                    keep: keep.clone(),
                };
                bench::log(&options).await?;
            }
            BenchSuite::Ingest {
                pages,
                items,
                persisted,
                json,
                keep,
            } => {
                let options = bench::IngestOptions {
                    pages: *pages,
                    items: *items,
                    persisted: *persisted,
                    json: *json,
                    keep: keep.clone(),
                };
                bench::ingest(&options).await?;
            }
            BenchSuite::Extract { docs, names, json } => {
                let options = bench::ExtractOptions {
                    docs: *docs,
                    names: *names,
                    json: *json,
                };
                bench::extract(&options)?;
            }
            BenchSuite::Search {
                corpus,
                docs,
                threads,
                json,
                keep,
            } => {
                let options = bench::SearchOptions {
                    corpus: corpus.clone(),
                    docs: *docs,
                    threads: *threads,
                    json: *json,
                    keep: keep.clone(),
                };
                bench::search(&options)?;
            }
            BenchSuite::SearchServe { corpus, index } => {
                bench::search_serve(corpus, index)?;
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
            scopes,
            expires_in_days,
            no_expiry,
            json,
        } => {
            let token = NewToken {
                label: label.clone(),
                scopes: Scopes::parse(&scopes.join(" "))?,
                expires_at: (!*no_expiry).then(|| {
                    time::OffsetDateTime::now_utc()
                        + time::Duration::days(i64::from(*expires_in_days))
                }),
            };
            let (info, secret) = app.create_scoped_api_token(actor, username, &token).await?;
            if *json {
                let mut value = serde_json::to_value(&info)?;
                value["token"] = serde_json::Value::String(secret);
                println!("{value}");
            } else {
                println!("Token id: {}", info.id);
                println!("User: {}", info.username);
                println!("Scopes: {}", info.scopes.join(" "));
                match info.expires_at {
                    Some(at) => println!("Expires: {}", at.date()),
                    None => println!("Expires: never"),
                }
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
                    let now = time::OffsetDateTime::now_utc();
                    let state = match (token.revoked_at, token.last_used_at) {
                        (Some(at), _) => format!("revoked {}", at.date()),
                        _ if token.expires_at.is_some_and(|at| at <= now) => {
                            format!(
                                "expired {}",
                                token.expires_at.map(|at| at.date()).unwrap_or(now.date())
                            )
                        }
                        (None, Some(at)) => format!("last used {}", at.date()),
                        (None, None) => "never used".to_owned(),
                    };
                    println!(
                        "{}  {}  created {}  {}  [{}]  {}",
                        token.id,
                        token.username,
                        token.created_at.date(),
                        state,
                        token.scopes.join(" "),
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
