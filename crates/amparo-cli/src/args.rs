//! The command line, declared with clap.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Amparo: documentation and case tracking for the defence of detained, deported and
/// disappeared migrants.
#[derive(Debug, Parser)]
#[command(name = "amparo", version, about, long_about = None)]
pub struct Cli {
    /// The installation's data directory (default: $AMPARO_DATA, else ~/.local/share/amparo).
    #[arg(long, global = true, env = "AMPARO_DATA", value_name = "DIR")]
    pub data: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new installation: data directory, configuration, secret, database, admin user.
    Init {
        /// Name of the administrator account.
        #[arg(long, default_value = "admin")]
        admin: String,
        /// A postgres:// URL to keep records in PostgreSQL instead of the embedded SQLite.
        #[arg(long, value_name = "URL")]
        database_url: Option<String>,
        /// PostgreSQL schema for the tables.
        #[arg(long, value_name = "NAME", requires = "database_url")]
        database_schema: Option<String>,
        /// Protect the installation key with a passphrase ($AMPARO_PASSPHRASE, else asked for)
        /// instead of a key file ($AMPARO_KEY_FILE, else installation.key in the data folder).
        #[arg(long)]
        passphrase: bool,
    },
    /// Run the web server.
    Serve {
        /// Address to listen on (overrides server.listen).
        #[arg(long, value_name = "ADDR:PORT")]
        listen: Option<String>,
    },
    /// Create a demo installation with a fictional matter and serve it on 127.0.0.1.
    Demo {
        /// Port to serve on (default: 8080, or the next free one).
        #[arg(long)]
        port: Option<u16>,
    },
    /// Capture files or URLs as evidence.
    Capture {
        /// Files or http(s) URLs.
        #[arg(required = true, value_name = "FILE|URL")]
        targets: Vec<String>,
        /// Case the captures belong to (repeatable).
        #[arg(long = "case", value_name = "CASE_ID")]
        cases: Vec<uuid::Uuid>,
        /// Why or how they were captured.
        #[arg(long, default_value = "")]
        note: String,
        /// Print one JSON object per capture.
        #[arg(long)]
        json: bool,
    },
    /// Read and write records.
    Record {
        #[command(subcommand)]
        command: RecordCommand,
    },
    /// Show a person's custody timeline, with undocumented gaps.
    Timeline {
        /// The person's pseudonym code (P-0042) or id.
        person: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Export the whole installation (records, versions, blobs) to FILE and FILE.blobs/.
    Export {
        /// The export file to write.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Import an export into this installation (created if the data directory is empty).
    Import {
        /// The export file.
        file: PathBuf,
    },
    /// Follow news feeds: subscriptions, OPML, polling.
    Feed {
        #[command(subcommand)]
        command: FeedCommand,
    },
    /// List the audit trail (sign-ins, sensitive reads, exports, bundle downloads, grant
    /// changes, key operations), newest first.
    Audit {
        /// Only this actor (`user:alice`, `cli:root`, `anonymous`).
        #[arg(long)]
        actor: Option<String>,
        /// Only this action (`sign-in`, `sign-in-failed`, `sensitive-read`, `export`,
        /// `bundle-download`, `grant-change`, `grant-withdrawn`, `team-change`, `user-change`,
        /// `key-rotate`, …).
        #[arg(long)]
        action: Option<String>,
        /// Only events whose subject contains this text (a record id, a user name).
        #[arg(long)]
        subject: Option<String>,
        /// Only events on or after this day (YYYY-MM-DD, UTC).
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// At most this many events.
        #[arg(long, default_value_t = 100)]
        limit: u32,
        /// Print one JSON object per event.
        #[arg(long)]
        json: bool,
    },
    /// Write an encrypted, consistent backup of the installation while it runs: a snapshot of
    /// the database, the blobs, the configuration (docs/backup.md). PostgreSQL installations
    /// back up their database with pg_dump instead.
    Backup {
        /// The backup file to write (a new file).
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// Seal it with a backup passphrase ($AMPARO_BACKUP_PASSPHRASE, else asked for twice)
        /// instead of the installation key; it then restores with that passphrase alone.
        #[arg(long)]
        passphrase: bool,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Restore a backup into the folder given by --data, which must be missing or empty, then
    /// check the evidence log. A damaged backup or a wrong key restores nothing.
    Restore {
        /// The backup file.
        file: PathBuf,
        /// The installation's key file, for a backup sealed under the installation key
        /// (default: $AMPARO_KEY_FILE; a key recovered from shares works too).
        #[arg(long, value_name = "FILE")]
        key_file: Option<PathBuf>,
    },
    /// Search the records: words in English or Spanish (accents optional), "a phrase", AND, OR,
    /// NOT, with filters. The command line acts as an administrator and finds real names too.
    Search(Box<SearchArgs>),
    /// The search index (derived from the records, in the data directory's `search/`).
    Index {
        #[command(subcommand)]
        command: IndexCommand,
    },
    /// Remove blobs that no capture names.
    Gc {
        /// Keep unreferenced blobs younger than this many seconds (default: gc.min_age_seconds).
        #[arg(long, value_name = "SECONDS")]
        min_age: Option<u64>,
    },
    /// Show what Amparo's ingestion makes of one file, as one JSON object; needs no
    /// installation and exits 0 whatever the file holds (its problems are listed).
    Inspect {
        #[command(subcommand)]
        command: InspectCommand,
    },
    /// The evidence log.
    Log {
        #[command(subcommand)]
        command: LogCommand,
    },
    /// Evidence bundles: one ZIP file that lets anyone check offline that a captured file is in
    /// the signed evidence log.
    Bundle {
        #[command(subcommand)]
        command: BundleCommand,
    },
    /// Check inclusion and consistency proofs of an evidence log (transparency-dev JSON).
    Proof {
        #[command(subcommand)]
        command: ProofCommand,
    },
    /// See or change the installation key, which protects the data at rest.
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage teams: groups of users granted rights together.
    Team {
        #[command(subcommand)]
        command: TeamCommand,
    },
    /// Grant rights on a case to a user or a team, list grants, withdraw them.
    Grant {
        #[command(subcommand)]
        command: GrantCommand,
    },
    /// Manage API tokens, with which scripts and other tools use the JSON API.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Review what Amparo found in a document's text: list its suggestions, find them,
    /// accept the confident ones (docs/review.md).
    Review {
        /// The document's id (omit with --pending).
        #[arg(required_unless_present = "pending")]
        document: Option<uuid::Uuid>,
        /// Find suggestions in the document first (again: only what is new is added).
        #[arg(long)]
        process: bool,
        /// Link the confident person, organization and place suggestions whose best
        /// candidate is clearly the one; the rest is left for a person.
        #[arg(long)]
        accept_confident: bool,
        /// The confidence and candidate score from which --accept-confident links.
        #[arg(long, default_value_t = amparo_app::DEFAULT_CONFIDENT, value_name = "SCORE")]
        threshold: f32,
        /// Process up to N documents that were never processed, instead of one document.
        #[arg(long, value_name = "N", conflicts_with = "document")]
        pending: Option<usize>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Measure throughput and latency on a generated installation.
    Bench {
        #[command(subcommand)]
        suite: BenchSuite,
    },
}

#[derive(Debug, Subcommand)]
pub enum BenchSuite {
    /// Serve a generated installation on loopback and load its pages and API with concurrent
    /// clients over HTTP; reports rps and latency percentiles per route, against /health.
    Web {
        /// Persons to generate (each with 2–6 custody periods).
        #[arg(long, default_value_t = 10_000)]
        persons: usize,
        /// Concurrent clients, each sending requests back to back.
        #[arg(long, default_value_t = 50)]
        clients: usize,
        /// Seconds of load per route.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
        /// Build the installation in DIR and keep it, instead of a temporary folder.
        #[arg(long, value_name = "DIR")]
        keep: Option<PathBuf>,
    },
    /// Measure the evidence log on a real SQLite installation: durable appends in batches
    /// (against plain inserts), inclusion proofs at 10 M leaves, and bundle verification
    /// (against SHA-256 of the same bytes). Needs about 3 GB of disk for 10 M leaves.
    Log {
        /// Leaves to append while measuring appends.
        #[arg(long, default_value_t = 1_000_000)]
        leaves: u64,
        /// Leaves per durable batch (at most 1,000).
        #[arg(long, default_value_t = 1_000)]
        batch: usize,
        /// Leaves the log holds when proofs are timed.
        #[arg(long, default_value_t = 10_000_000)]
        proof_leaves: u64,
        /// Inclusion proofs to time.
        #[arg(long, default_value_t = 10_000)]
        proofs: usize,
        /// Size of the captured file in the timed bundle, in MB.
        #[arg(long, default_value_t = 100)]
        bundle_mb: u64,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
        /// Build the installation in DIR and keep it, instead of a temporary folder.
        #[arg(long, value_name = "DIR")]
        keep: Option<PathBuf>,
    },
    /// Measure ingestion on generated news: HTML pages of 50–300 KB through main text,
    /// language and fingerprints (against SHA-256), feed items of about 5 KB parsed (against
    /// SHA-256), and feeds polled end to end into a SQLite installation from a loopback server
    /// (against plain HTTP GETs); with peak memory.
    Ingest {
        /// HTML pages to process.
        #[arg(long, default_value_t = 300)]
        pages: usize,
        /// Feed items to parse (in feeds of 50).
        #[arg(long, default_value_t = 20_000)]
        items: usize,
        /// Feed items (each linking to a page of 5–6 KB) to ingest into the installation.
        #[arg(long, default_value_t = 5_000)]
        persisted: usize,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
        /// Build the installation in DIR and keep it, instead of a temporary folder.
        #[arg(long, value_name = "DIR")]
        keep: Option<PathBuf>,
    },
    /// Measure extraction on one thread: generated news articles of about 5 KB (half English,
    /// half Spanish) read with a gazetteer of generated persons plus the built-in lists; reports
    /// documents per second (against tokenizing alone and SHA-256), latency percentiles, what
    /// was found, each extractor's share of the time and peak memory.
    Extract {
        /// Articles to read.
        #[arg(long, default_value_t = 2_000)]
        docs: usize,
        /// Person names to add to the gazetteer (with some organizations and places).
        #[arg(long, default_value_t = 10_000)]
        names: usize,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Measure search on documents generated from a word-bigram model fitted on the HTML pages
    /// of a corpus folder: Amparo's index (access filter of half the cases, facets on three
    /// fields) against a bare tantivy index and SQLite FTS5; latency percentiles, build speed,
    /// index sizes and peak memory.
    Search {
        /// Folder of HTML pages to fit the model on (read at run time; only counts are kept).
        #[arg(long, value_name = "DIR")]
        corpus: PathBuf,
        /// Documents to generate and index.
        #[arg(long, default_value_t = 1_000_000)]
        docs: usize,
        /// Indexing threads for the tantivy indexes.
        #[arg(long, default_value_t = 2)]
        threads: usize,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
        /// Build the indexes in DIR and keep them, instead of a temporary folder.
        #[arg(long, value_name = "DIR")]
        keep: Option<PathBuf>,
    },
    /// The serving half of `bench search`, which runs it in a process of its own: the same
    /// queries on an Amparo index it built, times and memory printed as JSON.
    #[command(hide = true)]
    SearchServe {
        /// The corpus folder `bench search` was given (the queries come from it).
        #[arg(long, value_name = "DIR")]
        corpus: PathBuf,
        /// The Amparo index `bench search` built.
        #[arg(long, value_name = "DIR")]
        index: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum FeedCommand {
    /// Subscribe to a feed (RSS, Atom or JSON Feed). Nothing is fetched until the next poll.
    Add {
        /// The feed's http(s) URL.
        url: String,
        /// A title of your own (default: the feed's).
        #[arg(long)]
        title: Option<String>,
        /// Case the feed's captures belong to (repeatable).
        #[arg(long = "case", value_name = "CASE_ID")]
        cases: Vec<uuid::Uuid>,
        /// Seconds between polls (default: feeds.interval_seconds; at least 60).
        #[arg(long, value_name = "SECONDS")]
        interval: Option<u32>,
        /// Print the subscription as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List subscriptions with their status, last poll, last error and pages.
    List {
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Show one subscription and the pages it found.
    Show {
        /// The feed's id (or the start of it) or URL.
        feed: String,
        /// Most pages to list.
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Print a JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Stop polling a feed until it is resumed.
    Pause {
        /// The feed's id (or the start of it) or URL.
        feed: String,
    },
    /// Poll a paused feed again (at once).
    Resume {
        /// The feed's id (or the start of it) or URL.
        feed: String,
    },
    /// Unsubscribe; pages already captured stay.
    Remove {
        /// The feed's id (or the start of it) or URL.
        feed: String,
    },
    /// Subscribe to every feed of an OPML file, as feed readers export them.
    Import {
        /// The OPML file ("-" for standard input).
        file: PathBuf,
        /// Case the feeds' captures belong to (repeatable).
        #[arg(long = "case", value_name = "CASE_ID")]
        cases: Vec<uuid::Uuid>,
    },
    /// Write every subscription as an OPML file (to standard output without -o).
    Export {
        /// The file to write.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Poll the feeds that are due (or all of them), then capture the new pages they list.
    Poll {
        /// Poll every feed that is not paused, due or not.
        #[arg(long)]
        all: bool,
        /// Poll only this feed, due or not (repeatable).
        #[arg(long = "feed", value_name = "FEED")]
        feeds: Vec<String>,
        /// Print what was done as a JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Try again the pages that were given up (of one feed, or all).
    Retry {
        /// The feed's id (or the start of it) or URL.
        feed: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make a token that acts for USERNAME; its secret is printed once and never stored.
    Create {
        /// The user the token acts for (and whose rights it has).
        username: String,
        /// What the token is for, shown by `token list`.
        #[arg(long, default_value = "")]
        label: String,
        /// What the token may do: records:read, records:write, review, export or admin
        /// (everything the user may do); repeat or separate with commas. Every scope can read.
        #[arg(long = "scope", value_name = "SCOPE", default_value = "records:read")]
        scopes: Vec<String>,
        /// Days until the token stops working.
        #[arg(
            long,
            value_name = "DAYS",
            default_value_t = 90,
            conflicts_with = "no_expiry"
        )]
        expires_in_days: u32,
        /// Make a token that never expires (revoke it when it is no longer needed).
        #[arg(long)]
        no_expiry: bool,
        /// Print a JSON object with the token's details and its secret.
        #[arg(long)]
        json: bool,
    },
    /// List tokens, revoked ones included (never their secrets).
    List {
        /// Only the tokens of this user.
        #[arg(long, value_name = "USERNAME")]
        user: Option<String>,
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token: it authenticates nobody from now on.
    Revoke {
        /// The token's id, as `token list` shows it.
        id: uuid::Uuid,
    },
}

#[derive(Debug, Subcommand)]
pub enum RecordCommand {
    /// List current records of a type.
    List {
        /// Record type in kebab-case: person, custody-period, docket-entry…
        kind: String,
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Show one record.
    Show {
        /// Record type.
        kind: String,
        /// Record id.
        id: String,
        /// Print a JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Show every version of a record.
    History {
        /// Record type.
        kind: String,
        /// Record id.
        id: String,
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Create a record from a JSON file ("-" for standard input).
    Create {
        /// Record type.
        kind: String,
        /// JSON file with the record's fields.
        file: PathBuf,
        /// Print the created record as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Replace a record's fields with a JSON file, as a new version.
    Update {
        /// Record type.
        kind: String,
        /// Record id.
        id: String,
        /// The version the change was made from (as shown by `record show`).
        #[arg(long)]
        version: u32,
        /// JSON file with the record's fields ("-" for standard input).
        file: PathBuf,
    },
    /// Delete a record (a tombstone version; its history stays).
    Delete {
        /// Record type.
        kind: String,
        /// Record id.
        id: String,
        /// The version being deleted (as shown by `record show`).
        #[arg(long)]
        version: u32,
    },
}

impl Command {
    /// Whether the command writes records, and so ends by signing a checkpoint that covers its
    /// writes. `serve` and `demo` sign on their own timer and when they stop.
    pub fn writes(&self) -> bool {
        match self {
            Command::Init { .. }
            | Command::Backup { .. }
            | Command::Capture { .. }
            | Command::Import { .. }
            | Command::User { .. } => true,
            Command::Feed { command } => matches!(command, FeedCommand::Poll { .. }),
            Command::Review {
                process,
                accept_confident,
                pending,
                ..
            } => *process || *accept_confident || pending.is_some(),
            Command::Record { command } => matches!(
                command,
                RecordCommand::Create { .. }
                    | RecordCommand::Update { .. }
                    | RecordCommand::Delete { .. }
            ),
            _ => false,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Show how the installation key is obtained and how many data keys it wraps.
    Status {
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Replace the installation key: every data key is re-wrapped under the new key (blobs and
    /// fields are not re-encrypted). Stop the server first. The old key or passphrase no longer
    /// opens the installation afterwards.
    Rotate {
        /// Protect the new key with a new passphrase ($AMPARO_NEW_PASSPHRASE, else asked for).
        #[arg(long, conflicts_with = "key_file")]
        passphrase: bool,
        /// Write a new key file here (default: $AMPARO_KEY_FILE, else installation.key in the
        /// data folder); the old file is replaced.
        #[arg(long, value_name = "FILE")]
        key_file: Option<PathBuf>,
    },
    /// Print recovery shares of the installation key: any THRESHOLD of them give the key back
    /// with `amparo key recover`, fewer tell nothing. Print them and hand them to different
    /// people; they are shown only now.
    Shares {
        /// How many shares recover the key (at least 2).
        #[arg(long, value_name = "K")]
        threshold: u16,
        /// How many shares to print (at most 255).
        #[arg(long, value_name = "N")]
        shares: u16,
    },
    /// Read recovery shares (one per line, from standard input or typed) and write the key they
    /// give back to a new key file, which opens the installation (set AMPARO_KEY_FILE).
    /// Needs no installation.
    Recover {
        /// The key file to write (a new file).
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Purge the sensitive fields of one record version (a wrongly entered or withdrawn value):
    /// their key is destroyed, so they are unreadable everywhere, backups included. The version
    /// and the evidence log stay.
    Purge {
        /// The record kind (person, testimony, user, …).
        kind: String,
        /// The record id.
        id: uuid::Uuid,
        /// The version whose sensitive fields go.
        #[arg(long)]
        version: u32,
    },
}

#[derive(Debug, Subcommand)]
pub enum LogCommand {
    /// Print the log's verifier key, which anyone needs to check its signed checkpoints.
    Key,
    /// Recompute the whole log from storage and check it: every leaf, the commitments of every
    /// record version, the stored tiles and nodes, every signed checkpoint.
    ///
    /// Exit status: 0 when the log is intact, 1 when a problem was found (each problem is
    /// printed on standard error).
    Check {
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Write the log as static C2SP tlog-tiles into DIR (`checkpoint`, `tile/…` and
    /// `tile/entries/…`), for a mirror or a log client to read.
    ExportTiles {
        /// The folder to write (created if missing; existing tiles are replaced).
        dir: PathBuf,
    },
    /// Sign a checkpoint if the log grew since the last one, and print the latest signed
    /// checkpoint exactly (a C2SP signed note).
    Checkpoint,
    /// Print the inclusion proof of a leaf, or of a capture's leaf, as transparency-dev JSON.
    #[command(group(clap::ArgGroup::new("leaf").required(true).args(["index", "capture"])))]
    Proof {
        /// The leaf's index.
        #[arg(long, value_name = "N")]
        index: Option<u64>,
        /// The tree size to prove against (default: that of the latest checkpoint).
        #[arg(long, value_name = "M", conflicts_with = "capture")]
        size: Option<u64>,
        /// The capture whose leaf to prove, in the latest checkpoint.
        #[arg(long, value_name = "CAPTURE_ID")]
        capture: Option<uuid::Uuid>,
    },
    /// Print the consistency proof between two tree sizes as transparency-dev JSON.
    Consistency {
        /// The older tree size.
        size1: u64,
        /// The newer tree size (default: that of the latest checkpoint).
        size2: Option<u64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum BundleCommand {
    /// Write the evidence bundle of a capture: its file, its log leaf, the openings of the
    /// leaf's commitments, its inclusion proof, a signed checkpoint and the verifier key.
    Create {
        /// The capture.
        capture_id: uuid::Uuid,
        /// The bundle file to write.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Check an evidence bundle offline; needs no installation.
    ///
    /// Exit status: 0 when every check passed and the checkpoint is signed by the key given
    /// with --key; 3 when every check passed but no --key was given, so the bundle was checked
    /// only against the key it carries (compare that key, printed in the report, with the one
    /// the installation published); 1 when a check failed or FILE cannot be read.
    Verify {
        /// The bundle file.
        file: PathBuf,
        /// The verifier key you trust (`name+hash+base64`, as `amparo log key` prints it), or
        /// `@PATH` to read it from a file.
        #[arg(long, value_name = "VKEY")]
        key: Option<String>,
    },
}

/// What `amparo search` looks for.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// What to look for; empty lists every record (with filters, to browse).
    #[arg(default_value = "")]
    pub query: String,
    /// Read the query as the start of a name (names as you type).
    #[arg(long)]
    pub prefix: bool,
    /// Only records of this kind (person, event, document, case…); repeatable.
    #[arg(long)]
    pub kind: Vec<String>,
    /// Only records of this case (its id); repeatable.
    #[arg(long, value_name = "CASE_ID")]
    pub case: Vec<String>,
    /// Only text in this language (en, es…); repeatable.
    #[arg(long)]
    pub language: Vec<String>,
    /// Only records with this violation type (a vocabulary code); repeatable.
    #[arg(long)]
    pub violation: Vec<String>,
    /// Only records with this custody status (a vocabulary code); repeatable.
    #[arg(long)]
    pub custody_status: Vec<String>,
    /// Only records at this place (its id); repeatable.
    #[arg(long, value_name = "PLACE_ID")]
    pub place: Vec<String>,
    /// Only records dated in this year; repeatable.
    #[arg(long)]
    pub year: Vec<String>,
    /// Only records dated on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Only records dated on or before this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Order: relevance (default), newest or oldest.
    #[arg(long)]
    pub sort: Option<String>,
    /// The page of results, from 1.
    #[arg(long, default_value_t = 1)]
    pub page: usize,
    /// Results per page.
    #[arg(long, default_value_t = amparo_app::DEFAULT_PER_PAGE)]
    pub per_page: usize,
    /// Facets to count, comma-separated (kind, case, language, violation, custody_status,
    /// place, year); default all, "" none.
    #[arg(long)]
    pub facets: Option<String>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum IndexCommand {
    /// Throw the search index away and index every record again, with a progress bar. Stop
    /// the server first: only one process at a time writes the index.
    Rebuild {
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum InspectCommand {
    /// A news feed (RSS 0.9x/1.0/2.0, Atom, JSON Feed): `{"format", "title", "link",
    /// "language", "updated", "items": [...], "problems": [...]}`.
    Feed {
        /// The feed file.
        file: PathBuf,
        /// The URL it came from, to make relative links absolute.
        #[arg(long)]
        url: Option<String>,
    },
    /// An article page: `{"title", "byline", "published", "language", "text", "problems"}`.
    Article {
        /// The HTML file.
        file: PathBuf,
        /// The URL it came from, to make relative links absolute.
        #[arg(long)]
        url: Option<String>,
    },
    /// The language of a text and its passages in other languages: `{"language",
    /// "confidence", "passages": [{"start", "end", "language"}]}` (character offsets).
    Lang {
        /// The text file, or `-` for standard input.
        file: PathBuf,
    },
    /// What extraction finds in a news text: `{"language", "persons", "organizations",
    /// "places", "dates", "counts", "quotes", "posts", "violations", "problems"}` (character
    /// offsets). Uses the names that ship with Amparo, and with `--data DIR` (or
    /// `AMPARO_DATA`) also that installation's persons, organizations and places.
    Text {
        /// The text file, or `-` for standard input.
        file: PathBuf,
        /// The text's language (default: detected).
        #[arg(long, value_enum)]
        lang: Option<TextLanguage>,
        /// The day the text was published, to resolve "last March" or "hace tres semanas".
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
        published: Option<time::Date>,
    },
}

/// The languages `amparo inspect text` reads.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum TextLanguage {
    /// English.
    En,
    /// Spanish.
    Es,
}

impl From<TextLanguage> for amparo_extract::Language {
    fn from(language: TextLanguage) -> Self {
        match language {
            TextLanguage::En => amparo_extract::Language::En,
            TextLanguage::Es => amparo_extract::Language::Es,
        }
    }
}

/// A day as `YYYY-MM-DD`.
fn parse_day(text: &str) -> Result<time::Date, String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text.trim(), &format)
        .map_err(|_| format!("{text:?} is not a day: write it as YYYY-MM-DD, e.g. 2025-03-16"))
}

#[derive(Debug, Subcommand)]
pub enum ProofCommand {
    /// Check an inclusion or consistency proof in transparency-dev JSON; needs no installation.
    ///
    /// Exit status: 0 when the proof is valid (what it proves is printed), 1 when it is not
    /// (why is printed), 2 when the input cannot be read or is not a proof.
    Verify {
        /// The JSON file, or `-` for standard input.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is printed once.
    Add {
        /// Sign-in name.
        username: String,
        /// Role.
        #[arg(long, value_enum, default_value_t = RoleArg::Viewer)]
        role: RoleArg,
    },
    /// Give a user a new generated password, printed once.
    ResetPassword {
        /// Sign-in name.
        username: String,
    },
    /// Disable a user: they cannot sign in, their API tokens are revoked and their web
    /// sessions end at their next request.
    Disable {
        /// Sign-in name.
        username: String,
    },
    /// Enable a disabled user again (their revoked tokens stay revoked).
    Enable {
        /// Sign-in name.
        username: String,
    },
    /// Remove a user's second factor (a lost phone): the password alone signs in again, and
    /// they can enrol a new one on their account page.
    TotpReset {
        /// Sign-in name.
        username: String,
    },
    /// Change a user's role; it counts at their next request.
    Role {
        /// Sign-in name.
        username: String,
        /// The new role.
        #[arg(value_enum)]
        role: RoleArg,
    },
    /// List the users with their roles.
    List,
}

#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// Create a team.
    Add {
        /// The team's name.
        name: String,
        /// A member's sign-in name (repeatable).
        #[arg(long = "member", value_name = "USER")]
        members: Vec<String>,
    },
    /// Add or remove members.
    Members {
        /// The team's name.
        name: String,
        /// A user to add (repeatable).
        #[arg(long = "add", value_name = "USER")]
        add: Vec<String>,
        /// A user to remove (repeatable).
        #[arg(long = "remove", value_name = "USER")]
        remove: Vec<String>,
    },
    /// List the teams and their members.
    List,
}

#[derive(Debug, Subcommand)]
pub enum GrantCommand {
    /// Grant rights on a case.
    Add {
        /// The case: its id, its reference (CECOT-2025) or its title.
        case: String,
        /// The user who receives the rights.
        #[arg(long, conflicts_with = "team", required_unless_present = "team")]
        user: Option<String>,
        /// The team whose members receive the rights.
        #[arg(long)]
        team: Option<String>,
        /// The rights, separated by commas: read, write, sensitive, review, export, manage.
        #[arg(long, default_value = "read")]
        rights: String,
    },
    /// List the grants.
    List {
        /// Print one JSON object per grant.
        #[arg(long)]
        json: bool,
    },
    /// Withdraw a grant by its id (from `amparo grant list`).
    Remove {
        /// The grant's id.
        id: uuid::Uuid,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum RoleArg {
    Admin,
    Documenter,
    Lawyer,
    Reviewer,
    Viewer,
}

impl From<RoleArg> for amparo_model::records::Role {
    fn from(role: RoleArg) -> Self {
        use amparo_model::records::Role;
        match role {
            RoleArg::Admin => Role::Admin,
            RoleArg::Documenter => Role::Documenter,
            RoleArg::Lawyer => Role::Lawyer,
            RoleArg::Reviewer => Role::Reviewer,
            RoleArg::Viewer => Role::Viewer,
        }
    }
}
