//! Fetches web pages to capture them as evidence, refusing anything that is not a public address.
//!
//! This is the server-side request forgery (SSRF) guard of Amparo: feeds and users hand us URLs,
//! and a hostile one must not make the server read its own admin pages, the cloud metadata
//! service or the office network. Every address is checked twice:
//!
//! - before any connection, a host that is an IP literal (in any form the URL parser accepts,
//!   such as `http://2130706433/` or `http://[::ffff:127.0.0.1]/`) is checked directly, because
//!   reqwest connects to literals without asking a resolver;
//! - host names go through `GuardedResolver`, which drops non-global addresses from the answer,
//!   so the address that is checked is the address that is connected to (no DNS-rebinding window).
//!
//! Redirects are followed here, not by reqwest, so that every hop goes through the same checks.
//! Addresses outside the public internet are reachable only through [`FetchPolicy::allow`].
//!
//! Bodies sent with `Content-Encoding: gzip` or `deflate` are decoded as they arrive (reqwest asks
//! for them with `Accept-Encoding`), which saves bandwidth on bad connections. The size limit
//! counts decoded bytes, so a small compressed "bomb" stops at [`FetchPolicy::max_bytes`] without
//! ever holding more than that; the compressed `Content-Length` is never compared with the limit
//! (reqwest drops it, with `Content-Encoding`, when it decodes).
//!
//! [`fetch_with`] adds what feed polling needs: a conditional GET (`If-None-Match`,
//! `If-Modified-Since`), whose `304 Not Modified` answer is a success with an empty body, and an
//! `Accept` header such as [`FEED_ACCEPT`].

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{ACCEPT, HeaderMap, HeaderValue, IF_MODIFIED_SINCE, IF_NONE_MATCH, LOCATION};
use url::{Host, Url};

/// Response headers kept as evidence metadata, by lowercase name.
const KEPT_HEADERS: &[&str] = &[
    "content-type",
    "content-length",
    "last-modified",
    "etag",
    "date",
    "server",
    "content-language",
    "content-disposition",
    // Only present when the body was *not* decoded (an encoding such as br or zstd that is not
    // enabled): it then says that `body` holds encoded bytes.
    "content-encoding",
];

/// The `Accept` header for feed polling: the feed formats first, generic XML next, anything last.
pub const FEED_ACCEPT: &str = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8";

/// The most memory reserved up front for a body, whatever its announced length.
const MAX_INITIAL_CAPACITY: usize = 1 << 20;

/// Limits and permissions for one fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchPolicy {
    /// Largest body accepted, in bytes; a longer body fails with [`FetchError::TooLarge`].
    pub max_bytes: u64,
    /// Time allowed for the whole fetch: every redirect hop, connecting, headers and body.
    pub timeout: Duration,
    /// Time allowed for each TCP (and TLS) connection to be established.
    pub connect_timeout: Duration,
    /// Most redirects followed before giving up with [`FetchError::TooManyRedirects`].
    pub max_redirects: usize,
    /// Host names and networks that may be fetched although they are not global addresses.
    pub allow: Vec<AllowEntry>,
    /// The `User-Agent` header sent with every request.
    pub user_agent: String,
}

impl Default for FetchPolicy {
    fn default() -> Self {
        FetchPolicy {
            max_bytes: 50 * 1024 * 1024,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_redirects: 5,
            allow: Vec::new(),
            user_agent: format!("Amparo/{} (+evidence capture)", env!("CARGO_PKG_VERSION")),
        }
    }
}

impl FetchPolicy {
    /// Whether the allow-list names this host (compared without case and trailing dot).
    fn allows_host(&self, host: &str) -> bool {
        self.allow.iter().any(|entry| entry.allows_host(host))
    }

    /// Whether `addr` may be connected to for `host`: it is global, or the allow-list names the
    /// host or a network containing the address.
    fn permits(&self, host: &str, addr: IpAddr) -> bool {
        is_global(addr)
            || self.allows_host(host)
            || self.allow.iter().any(|entry| entry.allows_addr(addr))
    }
}

/// One entry of the fetch allow-list, written in the configuration as a host name, an address or
/// a network in CIDR notation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AllowEntry {
    /// An exact host name in lowercase, allowed whatever it resolves to.
    Host(String),
    /// A network whose addresses are allowed, whatever host name led to them.
    Net(IpNetwork),
}

impl AllowEntry {
    /// Whether this entry names `host`.
    pub fn allows_host(&self, host: &str) -> bool {
        match self {
            AllowEntry::Host(name) => normalize_host(name) == normalize_host(host),
            AllowEntry::Net(_) => false,
        }
    }

    /// Whether this entry covers `addr`. Address families are not mixed: `127.0.0.1/32` does not
    /// cover `::ffff:127.0.0.1`.
    pub fn allows_addr(&self, addr: IpAddr) -> bool {
        match self {
            AllowEntry::Host(_) => false,
            AllowEntry::Net(net) => net.contains(addr),
        }
    }
}

impl FromStr for AllowEntry {
    type Err = AllowEntryError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let entry = text.trim();
        if entry.is_empty() {
            return Err(AllowEntryError::Empty);
        }
        if let Some((addr, prefix)) = entry.split_once('/') {
            let addr: IpAddr = addr.parse().map_err(|_| AllowEntryError::BadAddress {
                entry: entry.to_owned(),
            })?;
            let prefix: u8 = prefix.parse().map_err(|_| AllowEntryError::BadPrefix {
                entry: entry.to_owned(),
            })?;
            return IpNetwork::new(addr, prefix).map(AllowEntry::Net);
        }
        if let Ok(addr) = entry.parse::<IpAddr>() {
            return Ok(AllowEntry::Net(IpNetwork::single(addr)));
        }
        let host = normalize_host(entry);
        let valid_label = |label: &str| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        };
        if host.len() > 253 || !host.split('.').all(valid_label) {
            return Err(AllowEntryError::BadHost {
                entry: entry.to_owned(),
            });
        }
        Ok(AllowEntry::Host(host))
    }
}

impl fmt::Display for AllowEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AllowEntry::Host(host) => f.write_str(host),
            AllowEntry::Net(net) => net.fmt(f),
        }
    }
}

impl<'de> serde::Deserialize<'de> for AllowEntry {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl serde::Serialize for AllowEntry {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Why an allow-list entry could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AllowEntryError {
    /// The entry is empty.
    #[error(
        "empty fetch.allow entry; write a host name, an address or a network such as 10.0.0.0/8"
    )]
    Empty,
    /// The part before `/` is not an IP address.
    #[error(
        "{entry:?} is not a network: the part before '/' must be an IPv4 or IPv6 address; write host names without scheme or path"
    )]
    BadAddress {
        /// The entry as written.
        entry: String,
    },
    /// The part after `/` is not a number.
    #[error("{entry:?} is not a network: the part after '/' must be a prefix length such as 8")]
    BadPrefix {
        /// The entry as written.
        entry: String,
    },
    /// The prefix length is longer than the address.
    #[error("the prefix length of {entry:?} is too long; it can be at most {max} for this address")]
    PrefixTooLong {
        /// The entry as written.
        entry: String,
        /// 32 for IPv4, 128 for IPv6.
        max: u8,
    },
    /// The address has bits set beyond the prefix, which usually means a typo.
    #[error("{entry:?} has bits set after the prefix; did you mean {network}")]
    HostBitsSet {
        /// The entry as written.
        entry: String,
        /// The network the entry probably meant.
        network: IpNetwork,
    },
    /// The entry is neither an address, a network nor a valid host name.
    #[error(
        "{entry:?} is not a valid host name, address or network; write e.g. intranet.example.org, 10.1.2.3 or 10.0.0.0/8"
    )]
    BadHost {
        /// The entry as written.
        entry: String,
    },
}

/// An IP network in CIDR notation, such as `10.0.0.0/8` or `fc00::/7`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IpNetwork {
    addr: IpAddr,
    prefix: u8,
}

impl IpNetwork {
    /// A network from its first address and prefix length; refuses a prefix longer than the
    /// address and an address with bits set after the prefix.
    pub fn new(addr: IpAddr, prefix: u8) -> Result<IpNetwork, AllowEntryError> {
        let entry = || format!("{addr}/{prefix}");
        let max = max_prefix(addr);
        if prefix > max {
            return Err(AllowEntryError::PrefixTooLong {
                entry: entry(),
                max,
            });
        }
        let network = IpNetwork {
            addr: mask(addr, prefix),
            prefix,
        };
        if network.addr != addr {
            return Err(AllowEntryError::HostBitsSet {
                entry: entry(),
                network,
            });
        }
        Ok(network)
    }

    /// The network holding exactly one address (`/32` or `/128`).
    pub fn single(addr: IpAddr) -> IpNetwork {
        IpNetwork {
            addr,
            prefix: max_prefix(addr),
        }
    }

    /// The first address of the network.
    pub fn addr(&self) -> IpAddr {
        self.addr
    }

    /// The prefix length in bits.
    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    /// Whether `addr` lies in this network; an address of the other family never does.
    pub fn contains(&self, addr: IpAddr) -> bool {
        addr.is_ipv4() == self.addr.is_ipv4() && mask(addr, self.prefix) == self.addr
    }
}

impl fmt::Display for IpNetwork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

fn max_prefix(addr: IpAddr) -> u8 {
    match addr {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    }
}

/// `addr` with every bit after the first `prefix` bits cleared.
fn mask(addr: IpAddr, prefix: u8) -> IpAddr {
    match addr {
        IpAddr::V4(v4) => {
            let keep = u32::MAX
                .checked_shl(32 - u32::from(prefix.min(32)))
                .unwrap_or(0);
            IpAddr::V4(Ipv4Addr::from(u32::from(v4) & keep))
        }
        IpAddr::V6(v6) => {
            let keep = u128::MAX
                .checked_shl(128 - u32::from(prefix.min(128)))
                .unwrap_or(0);
            IpAddr::V6(Ipv6Addr::from(u128::from(v6) & keep))
        }
    }
}

/// A host name in lowercase without its trailing dot, for comparisons.
fn normalize_host(host: &str) -> String {
    host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase()
}

/// Request headers for one [`fetch_with`]: validators of a copy already held, for a conditional
/// GET, and the media types wanted.
///
/// The default sends none of them, which is what [`fetch`] does. Empty values count as absent.
/// Every header is sent on every redirect hop, as they concern the same resource.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// The `ETag` of the copy already held (exactly as the server sent it, quotes included),
    /// sent as `If-None-Match`.
    pub etag: Option<String>,
    /// The `Last-Modified` of the copy already held (exactly as the server sent it), sent as
    /// `If-Modified-Since`.
    pub last_modified: Option<String>,
    /// The `Accept` header, such as [`FEED_ACCEPT`]; without it `Accept: */*` is sent.
    pub accept: Option<String>,
}

impl RequestOptions {
    /// The request headers, or the first value that cannot be sent as a header.
    fn headers(&self) -> Result<HeaderMap, FetchError> {
        let mut headers = HeaderMap::new();
        let fields = [
            (IF_NONE_MATCH, "If-None-Match", &self.etag),
            (IF_MODIFIED_SINCE, "If-Modified-Since", &self.last_modified),
            (ACCEPT, "Accept", &self.accept),
        ];
        for (name, display, value) in fields {
            let Some(value) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) else {
                continue;
            };
            let value =
                HeaderValue::from_str(value).map_err(|_| FetchError::InvalidRequestHeader {
                    name: display.to_owned(),
                    value: value.to_owned(),
                })?;
            headers.insert(name, value);
        }
        Ok(headers)
    }
}

/// The pages and metadata of one successful fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The URL asked for, as normalized by the URL parser.
    pub requested_url: String,
    /// The URL whose response is `body`, after all redirects.
    pub final_url: String,
    /// Every redirect target in order, so the last one equals `final_url` when there were any.
    pub redirects: Vec<String>,
    /// The HTTP status of the final response: below 300, or 304 when a conditional request found
    /// the copy already held still current (see [`fetch_with`]).
    pub status: u16,
    /// Headers of the final response worth keeping as metadata, names in lowercase.
    pub headers: Vec<(String, String)>,
    /// The media type from `Content-Type`, without parameters, in lowercase.
    pub media_type: Option<String>,
    /// The address the final response came from.
    pub remote_addr: Option<SocketAddr>,
    /// The body as received, after undoing a gzip or deflate `Content-Encoding`; empty for 304.
    pub body: Vec<u8>,
}

impl Fetched {
    /// The value of a kept response header (see `headers`), by name in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(kept, _)| kept.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Why a fetch failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FetchError {
    /// The URL (or a redirect's `Location`) could not be parsed.
    #[error("{url:?} is not a valid URL ({reason}); check that it was copied completely")]
    InvalidUrl {
        /// The text that was given.
        url: String,
        /// What the parser found wrong.
        reason: String,
    },
    /// The URL carries a user name or password, which are never sent.
    #[error(
        "the URL for {host} contains a user name or password; remove them from the URL, Amparo does not send credentials"
    )]
    CredentialsInUrl {
        /// The host of the URL (the credentials themselves are left out of the message).
        host: String,
    },
    /// The URL's scheme is neither `http` nor `https`.
    #[error("cannot fetch {scheme}: URLs; only http and https pages can be captured")]
    UnsupportedScheme {
        /// The scheme that was refused.
        scheme: String,
    },
    /// The host is, or resolves only to, addresses outside the public internet.
    #[error(
        "refusing to fetch from {host}: {addr} is a non-global ({}) address; add it to fetch.allow in the configuration if you really mean to capture from it",
        address_kind(.addr)
    )]
    Blocked {
        /// The host name or literal from the URL.
        host: String,
        /// The first refused address.
        addr: IpAddr,
    },
    /// The host name could not be resolved.
    #[error(
        "could not look up {host} ({reason}); check the spelling of the host name and the server's DNS"
    )]
    Resolve {
        /// The host name that was looked up.
        host: String,
        /// What the resolver said.
        reason: String,
    },
    /// The body is longer than the policy allows; reading stopped at the limit.
    #[error(
        "the page is larger than the limit of {limit} bytes; raise fetch.max_bytes in the configuration if it must be captured"
    )]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// The site did not finish answering in time.
    #[error(
        "the site did not answer within {seconds} s; try again later or raise the fetch timeout in the configuration"
    )]
    Timeout {
        /// The timeout that ran out, in seconds.
        seconds: f64,
    },
    /// The site redirected more often than the policy allows.
    #[error(
        "the site redirected more than {limit} times; it may be a redirect loop, try the final address directly"
    )]
    TooManyRedirects {
        /// The most redirects followed.
        limit: usize,
    },
    /// The site answered with a redirect status but did not say where to.
    #[error(
        "the site answered with redirect status {status} but no Location header; the site is misconfigured, try the final address directly"
    )]
    RedirectWithoutLocation {
        /// The redirect status.
        status: u16,
    },
    /// The site answered with an error status (400 or above).
    #[error(
        "the site answered with HTTP status {status}; check the URL, the page may have moved or been removed"
    )]
    HttpStatus {
        /// The status code.
        status: u16,
    },
    /// Connecting or talking to the site failed.
    #[error("network error: {0}; check the URL and that the site is reachable from this server")]
    Network(String),
    /// The site sent a gzip or deflate body that could not be decompressed.
    #[error(
        "the site's compressed (gzip or deflate) response is damaged and cannot be decompressed ({0}); try again later, and if it keeps failing the site itself is sending broken data"
    )]
    Decode(String),
    /// A value given in [`RequestOptions`] cannot be sent as an HTTP header.
    #[error(
        "the {name} value {value:?} cannot be sent as an HTTP header because it contains a line break or another control character; clear the stored value and fetch again"
    )]
    InvalidRequestHeader {
        /// The header, such as `If-None-Match`.
        name: String,
        /// The value that was refused.
        value: String,
    },
}

/// Whether `addr` is a public internet address that may be fetched without an allow-list entry.
///
/// IPv6 addresses that embed an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64 and 6to4) are
/// judged by the embedded address.
pub fn is_global(addr: IpAddr) -> bool {
    non_global_kind(addr).is_none()
}

/// The kind of a non-global address for messages, or `None` for a global one.
fn non_global_kind(addr: IpAddr) -> Option<&'static str> {
    match addr {
        IpAddr::V4(v4) => ipv4_kind(v4),
        IpAddr::V6(v6) => ipv6_kind(v6),
    }
}

/// The kind of an address known to be non-global, for [`FetchError::Blocked`].
fn address_kind(addr: &IpAddr) -> &'static str {
    non_global_kind(*addr).unwrap_or("allowed")
}

fn ipv4_kind(addr: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = addr.octets();
    match (a, b, c) {
        (0, _, _) => Some("\"this network\" 0.0.0.0/8"),
        (10, _, _) | (192, 168, _) => Some("private"),
        (172, 16..=31, _) => Some("private"),
        (100, 64..=127, _) => Some("carrier-grade NAT"),
        (127, _, _) => Some("loopback"),
        (169, 254, _) => Some("link-local"),
        (192, 0, 0) => Some("IETF protocol assignment"),
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => Some("documentation"),
        (192, 88, 99) => Some("6to4 relay anycast"),
        (198, 18..=19, _) => Some("benchmarking"),
        (224..=239, _, _) => Some("multicast"),
        _ if addr == Ipv4Addr::BROADCAST => Some("broadcast"),
        (240..=255, _, _) => Some("reserved"),
        _ => None,
    }
}

fn ipv6_kind(addr: Ipv6Addr) -> Option<&'static str> {
    let s = addr.segments();
    let embedded = |high: u16, low: u16| {
        let [a, b] = high.to_be_bytes();
        let [c, d] = low.to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    };
    if addr == Ipv6Addr::UNSPECIFIED {
        return Some("unspecified");
    }
    if addr == Ipv6Addr::LOCALHOST {
        return Some("loopback");
    }
    match s {
        // IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d and NAT64 64:ff9b::a.b.c.d.
        [0, 0, 0, 0, 0, 0xffff, high, low]
        | [0, 0, 0, 0, 0, 0, high, low]
        | [0x64, 0xff9b, 0, 0, 0, 0, high, low] => return ipv4_kind(embedded(high, low)),
        [0x64, 0xff9b, 1, ..] => return Some("local-use NAT64"),
        _ => {}
    }
    // Everything outside 2000::/3 is not global unicast.
    if s[0] & 0xe000 != 0x2000 {
        return Some(match s[0] {
            0xfc00..=0xfdff => "unique local",
            0xfe80..=0xfebf => "link-local",
            0xfec0..=0xfeff => "site-local",
            0xff00..=0xffff => "multicast",
            0x0100 if s[1..4] == [0, 0, 0] => "discard-only",
            _ => "reserved",
        });
    }
    match s {
        [0x2002, high, low, ..] => ipv4_kind(embedded(high, low)),
        [0x2001, 0, ..] => Some("Teredo"),
        [0x2001, 0x0db8, ..] => Some("documentation"),
        [0x2001, 0..=0x01ff, ..] => Some("IETF protocol assignment"),
        [0x3fff, 0..=0x0fff, ..] => Some("documentation"),
        _ => None,
    }
}

/// Why [`GuardedResolver`] refused a name; carried out of reqwest's error chain.
#[derive(Debug, Clone, thiserror::Error)]
enum Refusal {
    #[error("{host} resolves only to non-global addresses such as {addr}")]
    Blocked { host: String, addr: IpAddr },
    #[error("could not resolve {host}: {reason}")]
    Failed { host: String, reason: String },
}

impl From<Refusal> for FetchError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Blocked { host, addr } => FetchError::Blocked { host, addr },
            Refusal::Failed { host, reason } => FetchError::Resolve { host, reason },
        }
    }
}

/// The last refusal of the resolver for each host, in case reqwest ever drops the error
/// source. Keyed by host because one client serves many fetches at once.
#[derive(Clone, Debug, Default)]
struct Refusals(Arc<Mutex<HashMap<String, Refusal>>>);

impl Refusals {
    fn put(&self, host: &str, refusal: Refusal) {
        let mut guard = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        guard.insert(host.to_owned(), refusal);
    }

    fn take(&self, host: &str) -> Option<Refusal> {
        let mut guard = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        guard.remove(host)
    }
}

/// A resolver that returns only the addresses the policy permits, so reqwest never connects to
/// any other.
struct GuardedResolver {
    policy: Arc<FetchPolicy>,
    refusals: Refusals,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        let policy = Arc::clone(&self.policy);
        let refusals = self.refusals.clone();
        Box::pin(async move {
            match resolve_permitted(&host, &policy).await {
                Ok(addrs) => Ok(Box::new(addrs.into_iter()) as Addrs),
                Err(refusal) => {
                    refusals.put(&host, refusal.clone());
                    Err(Box::new(refusal) as Box<dyn std::error::Error + Send + Sync>)
                }
            }
        })
    }
}

async fn resolve_permitted(host: &str, policy: &FetchPolicy) -> Result<Vec<SocketAddr>, Refusal> {
    let resolved: Vec<SocketAddr> = tokio::net::lookup_host((host, 0))
        .await
        .map_err(|err| Refusal::Failed {
            host: host.to_owned(),
            reason: err.to_string(),
        })?
        .collect();
    let Some(first) = resolved.first() else {
        return Err(Refusal::Failed {
            host: host.to_owned(),
            reason: "no addresses found".to_owned(),
        });
    };
    let first_addr = first.ip();
    let mut permitted: Vec<SocketAddr> = Vec::with_capacity(resolved.len());
    for addr in resolved {
        if !policy.permits(host, addr.ip()) {
            tracing::debug!(fetch.host = host, fetch.addr = %addr.ip(), "dropping non-global address");
        } else if !permitted.contains(&addr) {
            permitted.push(addr);
        }
    }
    if permitted.is_empty() {
        return Err(Refusal::Blocked {
            host: host.to_owned(),
            addr: first_addr,
        });
    }
    Ok(permitted)
}

/// Parses `text` and refuses it unless it is an http(s) URL without credentials whose host, if it
/// is an IP literal, is permitted.
fn checked_url(text: &str, base: Option<&Url>, policy: &FetchPolicy) -> Result<Url, FetchError> {
    let parsed = match base {
        Some(base) => base.join(text),
        None => Url::parse(text),
    };
    let url = parsed.map_err(|err| FetchError::InvalidUrl {
        url: text.to_owned(),
        reason: err.to_string(),
    })?;
    check_url(&url, policy)?;
    Ok(url)
}

fn check_url(url: &Url, policy: &FetchPolicy) -> Result<(), FetchError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FetchError::UnsupportedScheme {
            scheme: url.scheme().to_owned(),
        });
    }
    let literal = match url.host() {
        None => {
            return Err(FetchError::InvalidUrl {
                url: url.to_string(),
                reason: "it has no host".to_owned(),
            });
        }
        Some(Host::Domain(_)) => None,
        Some(Host::Ipv4(v4)) => Some(IpAddr::V4(v4)),
        Some(Host::Ipv6(v6)) => Some(IpAddr::V6(v6)),
    };
    let host = url.host_str().unwrap_or_default().to_owned();
    if !url.username().is_empty() || url.password().is_some() {
        return Err(FetchError::CredentialsInUrl { host });
    }
    if let Some(addr) = literal
        && !policy.permits(&host, addr)
    {
        return Err(FetchError::Blocked { host, addr });
    }
    Ok(())
}

/// Fetches `url` under `policy`, following redirects, and returns the final page.
///
/// Fails unless the final response has a status below 400 and a body within the size limit, and
/// every address on the way was global or allow-listed. The same as [`fetch_with`] with
/// [`RequestOptions::default`].
pub async fn fetch(url: &str, policy: &FetchPolicy) -> Result<Fetched, FetchError> {
    fetch_with(url, policy, &RequestOptions::default()).await
}

/// Fetches `url` like [`fetch`], sending the headers of `options` on every request.
///
/// With validators in `options` this is a conditional GET: a `304 Not Modified` answer is
/// returned as `Ok` with `status` 304, the kept headers of that answer and an empty body, meaning
/// that the copy already held is still current. A server that ignores the validators answers
/// 200 with the whole page, as for [`fetch`].
pub async fn fetch_with(
    url: &str,
    policy: &FetchPolicy,
    options: &RequestOptions,
) -> Result<Fetched, FetchError> {
    Fetcher::new(policy.clone())?.fetch(url, options).await
}

/// An HTTP client bound to one [`FetchPolicy`], for many fetches: its connections are kept
/// alive between them (the feed poller fetches hundreds of pages from a few hosts), and every
/// connection still goes through the policy's guarded resolver. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Fetcher {
    policy: Arc<FetchPolicy>,
    client: reqwest::Client,
    refusals: Refusals,
}

impl Fetcher {
    /// A client under `policy`.
    pub fn new(policy: FetchPolicy) -> Result<Fetcher, FetchError> {
        let policy = Arc::new(policy);
        let refusals = Refusals::default();
        let resolver = GuardedResolver {
            policy: Arc::clone(&policy),
            refusals: refusals.clone(),
        };
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .referer(false)
            .connect_timeout(policy.connect_timeout)
            .user_agent(policy.user_agent.as_str())
            .dns_resolver(Arc::new(resolver))
            .build()
            .map_err(|err| {
                FetchError::Network(format!(
                    "could not set up the HTTP client: {}",
                    describe(&err)
                ))
            })?;
        Ok(Fetcher {
            policy,
            client,
            refusals,
        })
    }

    /// The policy it fetches under.
    pub fn policy(&self) -> &FetchPolicy {
        &self.policy
    }

    /// Fetches `url` as [`fetch_with`] does.
    pub async fn fetch(&self, url: &str, options: &RequestOptions) -> Result<Fetched, FetchError> {
        let policy = &*self.policy;
        let started = Instant::now();
        let requested = checked_url(url, None, policy)?;
        let headers = options.headers()?;
        let requested_url = requested.to_string();
        let result = tokio::time::timeout(policy.timeout, self.fetch_checked(requested, headers))
            .await
            .unwrap_or(Err(FetchError::Timeout {
                seconds: policy.timeout.as_secs_f64(),
            }));
        let duration_ms = started.elapsed().as_millis();
        match &result {
            Ok(fetched) => tracing::info!(
                fetch.url = %fetched.requested_url,
                fetch.final_url = %fetched.final_url,
                fetch.status = fetched.status,
                fetch.n_bytes = fetched.body.len(),
                duration_ms,
                "fetched page"
            ),
            Err(err) => {
                tracing::info!(fetch.url = %requested_url, error = %err, duration_ms, "fetch failed")
            }
        }
        result
    }

    async fn fetch_checked(
        &self,
        requested: Url,
        request_headers: HeaderMap,
    ) -> Result<Fetched, FetchError> {
        let policy = &*self.policy;
        let client = &self.client;
        let refusals = &self.refusals;
        let mut current = requested.clone();
        let mut redirects = Vec::new();
        let mut response =
            loop {
                let host = current.host_str().unwrap_or_default().to_owned();
                refusals.take(&host);
                tracing::debug!(fetch.url = %current, "requesting");
                let request = client.get(current.clone()).headers(request_headers.clone());
                let response = match request.send().await {
                    Ok(response) => response,
                    Err(err) => return Err(send_error(&err, refusals, &host, policy)),
                };
                let status = response.status();
                if !is_followed_redirect(status) {
                    break response;
                }
                if redirects.len() >= policy.max_redirects {
                    return Err(FetchError::TooManyRedirects {
                        limit: policy.max_redirects,
                    });
                }
                let location = response.headers().get(LOCATION).ok_or(
                    FetchError::RedirectWithoutLocation {
                        status: status.as_u16(),
                    },
                )?;
                let location = String::from_utf8_lossy(location.as_bytes()).into_owned();
                let next = checked_url(location.trim(), Some(&current), policy)?;
                tracing::debug!(fetch.url = %current, fetch.location = %next, "following redirect");
                redirects.push(next.to_string());
                current = next;
            };

        let status = response.status();
        if status.as_u16() >= 400 {
            return Err(FetchError::HttpStatus {
                status: status.as_u16(),
            });
        }
        if let Some(length) = response.content_length()
            && length > policy.max_bytes
        {
            return Err(FetchError::TooLarge {
                limit: policy.max_bytes,
            });
        }
        let headers = kept_headers(response.headers());
        let media_type = media_type(response.headers());
        let remote_addr = response.remote_addr();
        // A 304 has no body by definition; whatever follows it on the connection is not read.
        let body = if status == StatusCode::NOT_MODIFIED {
            Vec::new()
        } else {
            let host = current.host_str().unwrap_or_default();
            read_body(&mut response, refusals, host, policy).await?
        };

        Ok(Fetched {
            requested_url: requested.to_string(),
            final_url: current.to_string(),
            redirects,
            status: status.as_u16(),
            headers,
            media_type,
            remote_addr,
            body,
        })
    }
}

/// Reads the (decoded) body, failing as soon as it grows past the limit, so that no more than
/// `max_bytes` is ever held however large the body or its decompression ratio.
async fn read_body(
    response: &mut reqwest::Response,
    refusals: &Refusals,
    host: &str,
    policy: &FetchPolicy,
) -> Result<Vec<u8>, FetchError> {
    // The announced length of an encoded body is hidden by reqwest, so this is the decoded
    // length when it is known; it only sizes the first allocation.
    let capacity = response
        .content_length()
        .map_or(0, |length| usize::try_from(length).unwrap_or(usize::MAX))
        .min(MAX_INITIAL_CAPACITY);
    let mut body = Vec::with_capacity(capacity);
    loop {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => return Ok(body),
            Err(err) => return Err(send_error(&err, refusals, host, policy)),
        };
        let n_bytes = u64::try_from(body.len().saturating_add(chunk.len())).unwrap_or(u64::MAX);
        if n_bytes > policy.max_bytes {
            return Err(FetchError::TooLarge {
                limit: policy.max_bytes,
            });
        }
        body.extend_from_slice(&chunk);
    }
}

fn is_followed_redirect(status: StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

/// Turns a reqwest failure into the most specific [`FetchError`].
fn send_error(
    err: &reqwest::Error,
    refusals: &Refusals,
    host: &str,
    policy: &FetchPolicy,
) -> FetchError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(inner) = source {
        if let Some(found) = inner.downcast_ref::<Refusal>() {
            return found.clone().into();
        }
        source = inner.source();
    }
    if err.is_connect()
        && let Some(found) = refusals.take(host)
    {
        return found.into();
    }
    if err.is_timeout() {
        return FetchError::Timeout {
            seconds: policy.connect_timeout.as_secs_f64(),
        };
    }
    if let Some(damage) = decompression_error(err) {
        return FetchError::Decode(damage.to_string());
    }
    // reqwest calls every failure while reading a body "error decoding response body"; for one
    // that is not about decompression, the cause alone is clearer.
    if err.is_decode()
        && let Some(cause) = std::error::Error::source(err)
    {
        return FetchError::Network(describe(cause));
    }
    FetchError::Network(describe(err))
}

/// The decompressor's complaint, when `err` is a body that could not be decoded rather than a
/// body that could not be received.
///
/// reqwest reports every failure while reading the body as a decode error; a damaged compressed
/// stream is the one whose direct cause is an `io::Error` of kind `InvalidData` (bad header, bad
/// data, wrong checksum) or `UnexpectedEof` (the stream ended early although the connection closed
/// normally). A failure to receive has a reqwest or hyper error there instead.
fn decompression_error(err: &reqwest::Error) -> Option<&std::io::Error> {
    if !err.is_decode() {
        return None;
    }
    let cause = std::error::Error::source(err)?.downcast_ref::<std::io::Error>()?;
    matches!(
        cause.kind(),
        std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof
    )
    .then_some(cause)
}

/// The error and all its sources, joined with ": ", leaving out repeats.
fn describe(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        let part = inner.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = inner.source();
    }
    text
}

fn kept_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .filter(|(name, _)| KEPT_HEADERS.contains(&name.as_str()))
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_owned(), value)
        })
        .collect()
}

fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(reqwest::header::CONTENT_TYPE)?;
    let value = String::from_utf8_lossy(value.as_bytes());
    let essence = value.split(';').next().unwrap_or_default().trim();
    (!essence.is_empty()).then(|| essence.to_ascii_lowercase())
}
