//! An installation on disk: its data directory, configuration, secret, database and blobs.
//!
//! ```text
//! DATA/
//!   config.toml   settings (see config/amparo.example.toml)
//!   secret.key    32 random bytes, mode 0600: names blobs (and, later, salts commitments)
//!   amparo.db     the SQLite database, with its -wal and -shm files (unless PostgreSQL is used)
//!   blobs/        captured bytes, named by keyed hash
//!   log.key       the evidence log's Ed25519 signing key, mode 0600
//! ```

use std::path::{Path, PathBuf};
use std::sync::Arc;

use amparo_model::records::Role;
use amparo_store::{BlobStore, PostgresStore, SqliteStore, Store};
use rand::RngCore;

use crate::config::Settings;
use crate::{Actor, App, AppError};

const CONFIG_FILE: &str = "config.toml";
const SECRET_FILE: &str = "secret.key";
const DATABASE_FILE: &str = "amparo.db";
const BLOB_FOLDER: &str = "blobs";
/// The evidence log's Ed25519 signing key, as a C2SP signer key string (mode 0600). To be
/// encrypted under the installation key when encryption at rest lands.
pub(crate) const LOG_KEY_FILE: &str = "log.key";

/// How to create an installation.
#[derive(Clone, Debug)]
pub struct InitOptions {
    /// Name of the administrator to create; `None` creates no user (for an import).
    pub admin_username: Option<String>,
    /// A PostgreSQL URL; empty for the embedded SQLite database.
    pub database_url: String,
    /// PostgreSQL schema; empty for the default.
    pub database_schema: String,
}

impl Default for InitOptions {
    fn default() -> Self {
        Self {
            admin_username: Some("admin".to_owned()),
            database_url: String::new(),
            database_schema: String::new(),
        }
    }
}

/// What `init` made.
#[derive(Clone, Debug)]
pub struct InitReport {
    /// The data directory.
    pub data_dir: PathBuf,
    /// The installation id.
    pub installation_id: String,
    /// The administrator's name and password, shown once.
    pub admin: Option<(String, String)>,
}

/// Whether `data_dir` holds an installation.
pub fn is_installation(data_dir: &Path) -> bool {
    data_dir.join(CONFIG_FILE).is_file()
}

/// Creates a new installation in `data_dir` (which may exist but must not hold one).
pub async fn init(data_dir: &Path, options: InitOptions) -> Result<(App, InitReport), AppError> {
    if is_installation(data_dir) {
        return Err(AppError::Installation(format!(
            "{} already holds an Amparo installation; choose another folder with --data",
            data_dir.display()
        )));
    }
    std::fs::create_dir_all(data_dir).map_err(|source| AppError::io(data_dir, source))?;
    restrict_folder(data_dir)?;
    let mut secret = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    write_private(&data_dir.join(SECRET_FILE), &secret)?;
    let installation_id = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
    let mut settings = Settings::new(installation_id.clone());
    settings.database_url = options.database_url;
    settings.database_schema = options.database_schema;
    let text = format!(
        "# Amparo installation settings; every setting is described in config/amparo.example.toml.\n{}",
        toml::to_string(&settings).map_err(|error| AppError::Config {
            path: data_dir.join(CONFIG_FILE),
            message: error.to_string(),
        })?
    );
    // The config file is written last: until it exists the folder is not an installation, so an
    // interrupted init can simply be run again.
    ensure_log_key(data_dir, &settings.log_origin())?;
    let app = open_with(data_dir, settings).await?;
    let admin = match options.admin_username {
        Some(username) => {
            let (_, password) = app
                .create_user(&Actor::cli(&os_user()), &username, Role::Admin)
                .await?;
            Some((username, password))
        }
        None => None,
    };
    write_private(&data_dir.join(CONFIG_FILE), text.as_bytes())?;
    Ok((
        app,
        InitReport {
            data_dir: data_dir.to_owned(),
            installation_id,
            admin,
        },
    ))
}

/// Opens the installation in `data_dir`, applying `AMPARO_…` environment variables.
pub async fn open(data_dir: &Path) -> Result<App, AppError> {
    let config_path = data_dir.join(CONFIG_FILE);
    if !config_path.is_file() {
        return Err(AppError::Installation(format!(
            "{} is not an Amparo installation (no {CONFIG_FILE}); run `amparo init` first, or pass --data with the right folder",
            data_dir.display()
        )));
    }
    let text = std::fs::read_to_string(&config_path)
        .map_err(|source| AppError::io(&config_path, source))?;
    let mut settings = Settings::from_toml(&text, &config_path)?;
    settings.apply_env(|name| std::env::var(name).ok());
    ensure_log_key(data_dir, &settings.log_origin())?;
    open_with(data_dir, settings).await
}

async fn open_with(data_dir: &Path, settings: Settings) -> Result<App, AppError> {
    // Check the fetch settings now rather than at the first capture.
    settings.fetch_policy()?;
    let secret = read_secret(&data_dir.join(SECRET_FILE))?;
    let store: Arc<dyn Store> = if settings.database_url.is_empty() {
        Arc::new(SqliteStore::open(&data_dir.join(DATABASE_FILE)).await?)
    } else if settings.database_url.starts_with("postgres://")
        || settings.database_url.starts_with("postgresql://")
    {
        let schema =
            (!settings.database_schema.is_empty()).then_some(settings.database_schema.as_str());
        Arc::new(PostgresStore::connect_in_schema(&settings.database_url, schema).await?)
    } else {
        return Err(AppError::Setting {
            name: "database_url".to_owned(),
            message: "must be empty (embedded SQLite) or a postgres:// URL".to_owned(),
        });
    };
    let blobs = BlobStore::local(&data_dir.join(BLOB_FOLDER), secret)?;
    Ok(App::new(store, blobs, settings, data_dir.to_owned()))
}

/// Creates the evidence log's signing key, named by the log's origin, unless it exists.
fn ensure_log_key(data_dir: &Path, origin: &str) -> Result<(), AppError> {
    let path = data_dir.join(LOG_KEY_FILE);
    if path.exists() {
        return Ok(());
    }
    let mut seed = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut seed);
    let signer =
        amparo_tlog::Signer::from_seed(origin, &seed).map_err(|error| AppError::Setting {
            name: "log.origin".to_owned(),
            message: format!("{origin:?} cannot name a signing key: {error}"),
        })?;
    write_private(
        &path,
        format!("{}\n", signer.to_private_key_string()).as_bytes(),
    )
}

fn read_secret(path: &Path) -> Result<[u8; 32], AppError> {
    let bytes = std::fs::read(path).map_err(|source| AppError::io(path, source))?;
    bytes.try_into().map_err(|_| {
        AppError::Installation(format!(
            "{} is damaged (it must hold exactly 32 bytes); restore it from a backup",
            path.display()
        ))
    })
}

/// Writes a file only its owner can read, durably.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|source| AppError::io(path, source))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|source| AppError::io(path, source))
}

fn restrict_folder(path: &Path) -> Result<(), AppError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))
            .map_err(|source| AppError::io(path, source))?;
    }
    Ok(())
}

/// The operating-system user running this process, recorded as the CLI's actor: `$USER` (or
/// `$LOGNAME`, `$USERNAME`), else the account of the process's user id, else its number.
pub fn os_user() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))
        .or_else(account_of_process)
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The name of the process's real user id in /etc/passwd (Linux), or `uid-N`.
fn account_of_process() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let uid = status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))?
        .split_whitespace()
        .next()?
        .to_owned();
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let name = passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        (fields.nth(1)? == uid).then(|| name.to_owned())
    });
    Some(name.unwrap_or_else(|| format!("uid-{uid}")))
}
