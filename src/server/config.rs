//! orgdesk's configuration: read once from environment variables, validated at start-up.
//! Every variable is documented in the README; an unknown `ORGDESK_*` variable is an error (likely a typo).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::identity::{self, Identity};
use super::limits::{self, Limits};
use crate::clock::{Clock, SystemClock};

/// Every variable orgdesk reads. Kept in one list so unknown ones can be reported.
pub const VARIABLES: &[&str] = &[
    "ORGDESK_BIND",
    "ORGDESK_PUBLIC_URL",
    "ORGDESK_DATA_DIR",
    "ORGDESK_SITE_ROOT",
    "ORGDESK_LOG_FORMAT",
    "ORGDESK_SESSION_IDLE_MINUTES",
    "ORGDESK_SESSION_ABSOLUTE_HOURS",
    "DATABASE_URL",
    "ORGDESK_RATE_LIMIT_IP",
    "ORGDESK_RATE_LIMIT_SESSION",
    "ORGDESK_RATE_LIMIT_WRITES",
    "ORGDESK_TRUSTED_PROXIES",
    "ORGDESK_MAX_BOTS",
    "ORGDESK_MAX_INSTALLS",
    "ORGDESK_MAX_PENDING_INVITATIONS",
    "ORGDESK_METRICS_ALLOW",
    "ORGDESK_METRICS_TOKEN",
    "ORGDESK_AUTH0_RATE_LIMIT",
    "ORGDESK_HEADER_TIMEOUT_SECONDS",
    "ORGDESK_MAX_CONNECTIONS",
    "ORGDESK_MAX_CONNECTIONS_PER_ADDRESS",
    "ORGDESK_DELETED_ORG_AUDIT_DAYS",
    "ORGDESK_ORG_METADATA",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Human,
    Json,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// Address the HTTP server listens on.
    pub bind: SocketAddr,
    /// The URL users reach orgdesk at; decides secure cookies and redirect URLs.
    pub public_url: String,
    /// False when `public_url` was derived from the bind address (then a port 0 is filled in at start).
    pub public_url_explicit: bool,
    /// Directory for the SQLite database and other local state.
    pub data_dir: PathBuf,
    /// sqlx database URL; defaults to SQLite in `data_dir`.
    pub database_url: String,
    /// Where the built browser bundle lives (`pkg/`, favicon).
    pub site_root: PathBuf,
    pub log_format: LogFormat,
    pub session_idle_timeout: Duration,
    pub session_absolute_timeout: Duration,
    /// The Auth0 tenant (or the embedded local one) and what customers may do there.
    pub identity: Identity,
    /// Request rates and per-organization caps.
    pub limits: Limits,
    /// Whether and how customers create their own organizations.
    pub onboarding: super::onboarding::Settings,
    /// When sensitive changes ask the admin to sign in again.
    pub step_up: super::auth::step_up::Settings,
    /// How long a deleted organization's audit log is kept for support staff.
    pub deleted_org_audit: Duration,
    /// The organization metadata keys customers may edit.
    pub org_metadata: Vec<crate::model::organization::MetadataField>,
    /// The tenant's Management API rate limit, to pace calls to (None: only react to 429s).
    pub auth0_budget: Option<super::auth0::Budget>,
    /// Who besides loopback may read `/metrics`.
    pub metrics_allow: Vec<limits::Cidr>,
    /// When set, `/metrics` wants `Authorization: Bearer <token>` from everyone, loopback included
    /// (a reverse proxy on the same host would otherwise make loopback public).
    pub metrics_token: Option<secrecy::SecretString>,
    /// Header-read timeout and connection caps of the accept loop.
    pub connections: super::listener::ConnectionLimits,
    /// Test-only: mount the local tenant's fault-injection API. Not settable from the environment.
    pub local_tenant_control_api: bool,
    /// Where logos may be fetched from to check them (test-only: loopback too).
    pub logo_reach: super::logo::Reach,
    /// Test-only: use this already running local tenant (its issuer URL) instead of starting one.
    pub local_tenant_issuer: Option<String>,
    /// How long one Management API call may take (10 s; tests shorten it).
    pub upstream_timeout: Duration,
    /// How long an operation may stay open before the recovery pass settles it: longer than any
    /// request takes, so a pass on one replica never undoes another replica's work in progress.
    pub recovery_grace: Duration,
    /// How often the tenant's logs are read for bots' use and the policies' access reviews started
    /// (None: never in the background; tests run the passes themselves).
    pub usage_pass: Option<Duration>,
    /// How often webhooks are queued and sent (None: never in the background; tests run the pass).
    pub webhook_pass: Option<Duration>,
    /// Where webhook endpoints may be (test-only: loopback over http too).
    pub webhook_reach: super::outbound::Reach,
    /// The one clock of the process, the embedded tenant's too (tests move a manual one).
    pub clock: Arc<dyn Clock>,
}

use super::config_error::invalid;
pub use super::config_error::ConfigError;

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        let vars: Vec<(String, String)> = std::env::vars().collect();
        Self::from_vars(&vars)
    }

    /// Reads the given variables (tests pass their own).
    pub fn from_vars(vars: &[(String, String)]) -> Result<Self, ConfigError> {
        let known = |name: &str| {
            VARIABLES.contains(&name)
                || identity::VARIABLES.contains(&name)
                || super::onboarding::settings::VARIABLES.contains(&name)
                || super::auth::step_up::VARIABLES.contains(&name)
                || identity::APPROVAL_VARIABLES.contains(&name)
        };
        if let Some((name, _)) = vars
            .iter()
            .find(|(name, _)| name.starts_with("ORGDESK_") && !known(name))
        {
            return Err(invalid(
                name,
                "unknown variable (see the README for the list)",
            ));
        }
        let get = |name: &str| {
            vars.iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };

        let bind: SocketAddr = match get("ORGDESK_BIND") {
            Some(v) => v.parse().map_err(|_| {
                invalid(
                    "ORGDESK_BIND",
                    format!("`{v}` is not an address like 127.0.0.1:3000"),
                )
            })?,
            None => SocketAddr::from(([127, 0, 0, 1], 3000)),
        };
        let public_url = match get("ORGDESK_PUBLIC_URL") {
            Some(v) => parse_public_url(&v)?,
            None => format!("http://{bind}"),
        };
        let data_dir = PathBuf::from(get("ORGDESK_DATA_DIR").unwrap_or_else(|| "data".into()));
        let (session_idle_timeout, session_absolute_timeout) = session_timeouts(&get)?;
        Ok(Config {
            auth0_budget: auth0_budget(&get)?,
            public_url_explicit: get("ORGDESK_PUBLIC_URL").is_some(),
            identity: identity::from_vars(&get)?,
            limits: limits_from(&get)?,
            org_metadata: super::org_metadata::parse(get("ORGDESK_ORG_METADATA").as_deref())?,
            deleted_org_audit: Duration::from_secs(
                86_400
                    * parse_bounded(
                        get("ORGDESK_DELETED_ORG_AUDIT_DAYS"),
                        "ORGDESK_DELETED_ORG_AUDIT_DAYS",
                        365,
                        1,
                        36_500,
                    )?,
            ),
            onboarding: super::onboarding::Settings::from_vars(
                &get,
                &|name, default, min, max| parse_bounded(get(name), name, default, min, max),
            )?,
            step_up: super::auth::step_up::Settings::from_vars(
                &get,
                &|name, default, min, max| parse_bounded(get(name), name, default, min, max),
            )?,
            metrics_allow: limits::parse_cidrs(
                "ORGDESK_METRICS_ALLOW",
                get("ORGDESK_METRICS_ALLOW").as_deref(),
            )?,
            metrics_token: metrics_token(&get)?,
            connections: connection_limits(&get)?,
            local_tenant_control_api: false,
            logo_reach: super::logo::Reach::PublicHttps,
            local_tenant_issuer: None,
            upstream_timeout: Duration::from_secs(10),
            recovery_grace: Duration::from_secs(120),
            usage_pass: Some(Duration::from_secs(60)),
            webhook_pass: Some(Duration::from_secs(5)),
            webhook_reach: super::outbound::Reach::PublicHttps,
            clock: Arc::new(SystemClock),
            bind,
            public_url,
            database_url: database_url(&get, &data_dir)?,
            data_dir,
            site_root: PathBuf::from(
                get("ORGDESK_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            ),
            log_format: log_format(&get)?,
            session_idle_timeout,
            session_absolute_timeout,
        })
    }

    /// Cookies get `Secure` and the `__Host-` prefix only when users reach orgdesk over https.
    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

fn scheme_of(url: &str) -> &str {
    url.split(':').next().unwrap_or(url)
}

/// A setting's value, trimmed; None when unset or empty.
type Get<'a> = &'a dyn Fn(&str) -> Option<String>;

fn database_url(get: Get<'_>, data_dir: &std::path::Path) -> Result<String, ConfigError> {
    match get("DATABASE_URL") {
        Some(v) if super::store::Backend::of(&v).is_some() => Ok(v),
        Some(v) => Err(invalid(
            "DATABASE_URL",
            format!(
                "`{}` is neither a sqlite: nor a postgres: URL",
                scheme_of(&v)
            ),
        )),
        None => Ok(format!(
            "sqlite://{}",
            data_dir.join("orgdesk.db").display()
        )),
    }
}

fn log_format(get: Get<'_>) -> Result<LogFormat, ConfigError> {
    match get("ORGDESK_LOG_FORMAT").as_deref() {
        None | Some("human") => Ok(LogFormat::Human),
        Some("json") => Ok(LogFormat::Json),
        Some(other) => Err(invalid(
            "ORGDESK_LOG_FORMAT",
            format!("`{other}` is not `human` or `json`"),
        )),
    }
}

/// The idle and absolute session timeouts (idle no longer than absolute).
fn session_timeouts(get: Get<'_>) -> Result<(Duration, Duration), ConfigError> {
    let idle_minutes = parse_bounded(
        get("ORGDESK_SESSION_IDLE_MINUTES"),
        "ORGDESK_SESSION_IDLE_MINUTES",
        30,
        1,
        24 * 60,
    )?;
    let absolute_hours = parse_bounded(
        get("ORGDESK_SESSION_ABSOLUTE_HOURS"),
        "ORGDESK_SESSION_ABSOLUTE_HOURS",
        12,
        1,
        24 * 30,
    )?;
    if idle_minutes > absolute_hours * 60 {
        return Err(invalid(
            "ORGDESK_SESSION_IDLE_MINUTES",
            "is longer than ORGDESK_SESSION_ABSOLUTE_HOURS allows",
        ));
    }
    Ok((
        Duration::from_secs(idle_minutes * 60),
        Duration::from_secs(absolute_hours * 3600),
    ))
}

/// Request rates (0 turns one off) and per-organization caps.
fn limits_from(get: Get<'_>) -> Result<Limits, ConfigError> {
    let defaults = Limits::default();
    let rate = |name: &str, default: u64| parse_bounded(get(name), name, default, 0, 1_000_000);
    let cap = |name: &str, default: u64| parse_bounded(get(name), name, default, 1, 10_000);
    Ok(Limits {
        ip_per_min: rate("ORGDESK_RATE_LIMIT_IP", defaults.ip_per_min)?,
        session_per_min: rate("ORGDESK_RATE_LIMIT_SESSION", defaults.session_per_min)?,
        writes_per_min: rate("ORGDESK_RATE_LIMIT_WRITES", defaults.writes_per_min)?,
        trusted_proxies: limits::parse_proxies(get("ORGDESK_TRUSTED_PROXIES").as_deref())?,
        max_bots: cap("ORGDESK_MAX_BOTS", defaults.max_bots)?,
        max_installs: cap("ORGDESK_MAX_INSTALLS", defaults.max_installs)?,
        max_pending_invitations: cap(
            "ORGDESK_MAX_PENDING_INVITATIONS",
            defaults.max_pending_invitations,
        )?,
    })
}

fn connection_limits(get: Get<'_>) -> Result<super::listener::ConnectionLimits, ConfigError> {
    let defaults = super::listener::ConnectionLimits::default();
    let count = |name: &str, default: usize| {
        parse_bounded(get(name), name, default as u64, 1, 1_000_000).map(|n| n as usize)
    };
    Ok(super::listener::ConnectionLimits {
        header_timeout: Duration::from_secs(parse_bounded(
            get("ORGDESK_HEADER_TIMEOUT_SECONDS"),
            "ORGDESK_HEADER_TIMEOUT_SECONDS",
            defaults.header_timeout.as_secs(),
            1,
            300,
        )?),
        max_connections: count("ORGDESK_MAX_CONNECTIONS", defaults.max_connections)?,
        max_per_address: count(
            "ORGDESK_MAX_CONNECTIONS_PER_ADDRESS",
            defaults.max_per_address,
        )?,
    })
}

fn metrics_token(get: Get<'_>) -> Result<Option<secrecy::SecretString>, ConfigError> {
    match get("ORGDESK_METRICS_TOKEN") {
        Some(t) if t.len() < 16 => Err(invalid(
            "ORGDESK_METRICS_TOKEN",
            "use at least 16 characters (a random string)",
        )),
        other => Ok(other.map(secrecy::SecretString::from)),
    }
}

fn auth0_budget(get: Get<'_>) -> Result<Option<super::auth0::Budget>, ConfigError> {
    match get("ORGDESK_AUTH0_RATE_LIMIT") {
        Some(v) => {
            super::auth0::Budget::parse(&v).map_err(|m| invalid("ORGDESK_AUTH0_RATE_LIMIT", m))
        }
        None => Ok(None),
    }
}

fn parse_public_url(value: &str) -> Result<String, ConfigError> {
    let trimmed = value.trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or_else(|| {
            invalid(
                "ORGDESK_PUBLIC_URL",
                format!("`{value}` must start with https:// or http://"),
            )
        })?;
    if rest.is_empty() || rest.contains(['/', '?', '#', ' ']) {
        return Err(invalid(
            "ORGDESK_PUBLIC_URL",
            format!("`{value}` must be an origin like https://desk.example.com (no path)"),
        ));
    }
    Ok(trimmed.to_string())
}

fn parse_bounded(
    value: Option<String>,
    name: &str,
    default: u64,
    min: u64,
    max: u64,
) -> Result<u64, ConfigError> {
    let Some(v) = value else { return Ok(default) };
    let n: u64 = v
        .parse()
        .map_err(|_| invalid(name, format!("`{v}` is not a whole number")))?;
    if !(min..=max).contains(&n) {
        return Err(invalid(name, format!("{n} is outside {min}..={max}")));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_give_a_local_sqlite_setup() {
        let config = Config::from_vars(&vars(&[("PATH", "/usr/bin")])).unwrap();
        assert_eq!(config.bind.to_string(), "127.0.0.1:3000");
        assert_eq!(config.public_url, "http://127.0.0.1:3000");
        assert_eq!(config.database_url, "sqlite://data/orgdesk.db");
        assert_eq!(config.log_format, LogFormat::Human);
        assert_eq!(config.session_idle_timeout, Duration::from_secs(1800));
        assert!(!config.is_https());
    }

    #[test]
    fn values_are_read_and_validated() {
        let config = Config::from_vars(&vars(&[
            ("ORGDESK_BIND", "0.0.0.0:8080"),
            ("ORGDESK_PUBLIC_URL", "https://desk.example.com/"),
            ("ORGDESK_DATA_DIR", "/var/lib/orgdesk"),
            ("ORGDESK_LOG_FORMAT", "json"),
            ("ORGDESK_SESSION_IDLE_MINUTES", "15"),
        ]))
        .unwrap();
        assert_eq!(config.public_url, "https://desk.example.com");
        assert!(config.is_https());
        assert_eq!(config.database_url, "sqlite:///var/lib/orgdesk/orgdesk.db");
        assert_eq!(config.log_format, LogFormat::Json);
        assert_eq!(config.session_idle_timeout, Duration::from_secs(900));
    }

    #[test]
    fn bad_values_name_the_variable() {
        let cases = [
            ("ORGDESK_BIND", "localhost"),
            ("ORGDESK_PUBLIC_URL", "desk.example.com"),
            ("ORGDESK_PUBLIC_URL", "https://desk.example.com/app"),
            ("ORGDESK_LOG_FORMAT", "yaml"),
            ("ORGDESK_SESSION_IDLE_MINUTES", "0"),
            ("ORGDESK_SESSION_IDLE_MINUTES", "ten"),
            ("DATABASE_URL", "mysql://x"),
            ("ORGDESK_BINDD", "127.0.0.1:1"),
        ];
        for (name, value) in cases {
            let err = Config::from_vars(&vars(&[(name, value)])).unwrap_err();
            assert_eq!(err.variable, name, "{name}={value}");
        }
    }

    #[test]
    fn idle_timeout_cannot_exceed_the_absolute_one() {
        let err = Config::from_vars(&vars(&[
            ("ORGDESK_SESSION_IDLE_MINUTES", "180"),
            ("ORGDESK_SESSION_ABSOLUTE_HOURS", "2"),
        ]))
        .unwrap_err();
        assert_eq!(err.variable, "ORGDESK_SESSION_IDLE_MINUTES");
    }
}
