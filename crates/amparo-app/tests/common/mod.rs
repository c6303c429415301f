//! Shared helpers of amparo-app's integration tests: a `TestApp` builder over a temporary data
//! directory, snapshots that prove a refused write changed nothing, and a tiny HTTP server.

// Each test binary compiles this module and uses only part of it.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use amparo_app::config::Settings;
use amparo_app::installation::{self, InitOptions};
use amparo_app::{Actor, App, AppError, VersionedRecord};
use amparo_model::records::Role;
use amparo_model::{RecordKind, ValidationErrors};
use amparo_store::{BlobStore, SqliteStore};
use tempfile::TempDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// An installation in a temporary directory, deleted when the value is dropped.
pub struct TestApp {
    /// Holds the data directory (and room beside it for export files).
    pub dir: TempDir,
    /// The installation.
    pub app: App,
    /// The command line as administrator, recorded as `cli:tester`.
    pub admin: Actor,
}

impl TestApp {
    /// A new installation made by `amparo init`, with its default administrator user.
    pub async fn new() -> Self {
        Self::init(InitOptions::default()).await
    }

    /// A new installation without users or records, as made for an import.
    pub async fn empty() -> Self {
        Self::init(InitOptions {
            admin_username: None,
            ..InitOptions::default()
        })
        .await
    }

    async fn init(options: InitOptions) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let (app, _) = installation::init(&dir.path().join("data"), options)
            .await
            .expect("init installation");
        Self::from_parts(dir, app)
    }

    /// An installation assembled from its parts, with settings changed by `change` (small
    /// limits, an allow-listed loopback network).
    pub async fn with_settings(change: impl FnOnce(&mut Settings)) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let data_dir = dir.path().join("data");
        std::fs::create_dir_all(&data_dir).expect("data directory");
        let secret: [u8; 32] = rand::random();
        std::fs::write(data_dir.join("secret.key"), secret).expect("secret key");
        let store = SqliteStore::open(&data_dir.join("amparo.db"))
            .await
            .expect("open database");
        let blobs = BlobStore::local(&data_dir.join("blobs"), secret).expect("blob store");
        let mut settings = Settings::new("test00000000".to_owned());
        change(&mut settings);
        let app = App::new(Arc::new(store), blobs, settings, data_dir);
        Self::from_parts(dir, app)
    }

    fn from_parts(dir: TempDir, app: App) -> Self {
        Self {
            dir,
            app,
            admin: Actor::cli("tester"),
        }
    }

    /// The installation's data directory.
    pub fn data_dir(&self) -> &Path {
        self.app.data_dir()
    }

    /// A path beside the data directory, for files the test writes.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The installation's blob store (sealed under its blob key), opened a second time.
    pub async fn blob_store(&self) -> BlobStore {
        installation::open_blob_store(self.data_dir())
            .await
            .expect("open the blob store")
    }

    /// Creates a user with role viewer and signs in as that user.
    pub async fn viewer(&self) -> Actor {
        let (_, password) = self
            .app
            .create_user(&self.admin, "viewer", Role::Viewer)
            .await
            .expect("create viewer");
        self.app
            .authenticate("viewer", &password)
            .await
            .expect("viewer signs in")
    }

    /// Grants `rights` on `case` to the signed-in `user`.
    pub async fn grant(
        &self,
        user: &Actor,
        case: amparo_model::CaseId,
        rights: &[amparo_model::records::Right],
    ) {
        self.app
            .create(
                &self.admin,
                amparo_model::records::Grant {
                    grantee: amparo_model::records::Grantee::User(
                        user.user_id.expect("a signed-in user"),
                    ),
                    case_id: case,
                    rights: rights.to_vec(),
                },
            )
            .await
            .expect("grant");
    }

    /// A new case titled `title`.
    pub async fn case(&self, title: &str) -> amparo_model::CaseId {
        let case = self
            .app
            .create(
                &self.admin,
                amparo_model::records::Case {
                    title: title.to_owned(),
                    ..amparo_model::records::Case::default()
                },
            )
            .await
            .expect("create case");
        amparo_model::CaseId(case.id)
    }

    /// Every file under `DATA/blobs`, sorted.
    pub fn blob_files(&self) -> Vec<PathBuf> {
        let mut files = Vec::new();
        collect_files(&self.data_dir().join("blobs"), &mut files);
        files.sort();
        files
    }

    /// Everything a write could change, as seen by the administrator: counts, current records,
    /// the history of every current record and of the `extra` ids, and the blob files.
    pub async fn snapshot(&self, extra: &[(RecordKind, uuid::Uuid)]) -> Snapshot {
        let mut kinds = Vec::new();
        let mut ids: Vec<(RecordKind, uuid::Uuid)> = extra.to_vec();
        for &kind in RecordKind::ALL {
            let count = self.app.count_records(kind).await.expect("count");
            let records = self
                .app
                .list_records(&self.admin, kind)
                .await
                .expect("list");
            ids.extend(records.iter().map(|record| (kind, record.id)));
            kinds.push((kind, count, records));
        }
        let mut histories = Vec::new();
        for (kind, id) in ids {
            let history = self.app.record_history(&self.admin, kind, id).await;
            histories.push(history.map_err(|error| error.to_string()));
        }
        Snapshot {
            kinds,
            histories,
            blob_files: self.blob_files(),
        }
    }

    /// Runs a write that must fail and checks that it changed nothing; returns its error.
    pub async fn refused<T: std::fmt::Debug>(
        &self,
        extra: &[(RecordKind, uuid::Uuid)],
        write: impl Future<Output = Result<T, AppError>>,
    ) -> AppError {
        let before = self.snapshot(extra).await;
        let result = write.await;
        let after = self.snapshot(extra).await;
        assert_eq!(before, after, "a refused write changed the installation");
        match result {
            Ok(value) => panic!("the write should have been refused, but gave {value:?}"),
            Err(error) => error,
        }
    }
}

/// The observable state of an installation.
#[derive(Debug, PartialEq)]
pub struct Snapshot {
    kinds: Vec<(RecordKind, u64, Vec<VersionedRecord>)>,
    histories: Vec<Result<Vec<VersionedRecord>, String>>,
    blob_files: Vec<PathBuf>,
}

fn collect_files(folder: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            collect_files(&path, files);
        } else {
            files.push(path);
        }
    }
}

/// The validation errors of an [`AppError::Invalid`], or a panic naming what came instead.
pub fn invalid(error: AppError) -> ValidationErrors {
    match error {
        AppError::Invalid(errors) => errors,
        other => panic!("expected an invalid-record error, got {other:?}: {other}"),
    }
}

/// The message for `field`, or a panic listing the fields that have one.
pub fn field_message(errors: &ValidationErrors, field: &str) -> String {
    errors
        .for_field(field)
        .unwrap_or_else(|| panic!("no error for {field}: {errors}"))
        .to_owned()
}

/// What the test server does after reading a request head.
pub enum Reply {
    /// Writes these bytes and closes the connection.
    Raw(Vec<u8>),
    /// Writes nothing and keeps the connection open.
    Stall,
}

/// A complete HTTP/1.1 response with `Content-Length`.
pub fn http_response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut text = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("Connection: close\r\n\r\n");
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(body);
    Reply::Raw(bytes)
}

type Handler = dyn Fn(&str) -> Reply + Send + Sync;

/// An HTTP server on 127.0.0.1 that answers each request path with a canned reply and counts
/// the connections it accepts.
pub struct TestServer {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
}

impl TestServer {
    /// Starts a server whose `handler` maps a request path to a reply.
    pub async fn start(handler: impl Fn(&str) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("server address");
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&connections);
        let handler: Arc<Handler> = Arc::new(handler);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(serve(stream, Arc::clone(&handler)));
            }
        });
        Self { addr, connections }
    }

    /// The URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The server's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Connections accepted so far, after giving a stray one time to arrive.
    pub async fn connections(&self) -> usize {
        tokio::time::sleep(Duration::from_millis(50)).await;
        self.connections.load(Ordering::SeqCst)
    }
}

async fn serve(mut stream: TcpStream, handler: Arc<Handler>) {
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
    match handler(&path) {
        Reply::Raw(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Reply::Stall => tokio::time::sleep(Duration::from_secs(3600)).await,
    }
}

/// A port on 127.0.0.1 where nothing listens.
pub async fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    listener.local_addr().expect("address").port()
}
