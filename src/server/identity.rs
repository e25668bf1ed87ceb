//! Which Auth0 tenant orgdesk works with, and what customers may do there. With no
//! `ORGDESK_AUTH0_DOMAIN`, orgdesk embeds the local tenant and takes every value from its Travel0 seed.

use std::net::SocketAddr;

use secrecy::SecretString;

use super::config_error::{invalid, ConfigError};

/// A vendor API customers may grant their bots, and the scopes they may choose from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiPolicy {
    pub audience: String,
    pub scopes: Vec<String>,
}

/// The Auth0 tenant orgdesk talks to: the embedded local one, or a real one.
#[derive(Debug, Clone)]
pub enum Upstream {
    /// The embedded local tenant, listening here (port 0 picks one).
    Local { bind: SocketAddr },
    /// A real Auth0 tenant: `https://<domain>/`. `insecure_http` is only ever true for a tenant on
    /// a loopback address that the operator explicitly allowed (a separately run local tenant).
    Auth0 { domain: String, insecure_http: bool },
}

impl Upstream {
    /// The issuer URL of a configured (not embedded) tenant.
    pub fn issuer(&self) -> Option<String> {
        match self {
            Upstream::Local { .. } => None,
            Upstream::Auth0 {
                domain,
                insecure_http,
            } => Some(format!(
                "{}://{domain}/",
                if *insecure_http { "http" } else { "https" }
            )),
        }
    }
}

/// Whether `host[:port]` names this machine only (127.0.0.0/8, ::1, localhost).
fn is_loopback(domain: &str) -> bool {
    let host = match domain.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => domain.rsplit_once(':').map_or(domain, |(h, _)| h),
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[derive(Clone)]
pub struct Identity {
    pub upstream: Upstream,
    pub login_client_id: String,
    pub login_client_secret: SecretString,
    pub mgmt_client_id: String,
    pub mgmt_client_secret: SecretString,
    pub apis: Vec<ApiPolicy>,
    /// Role ids customers may assign.
    pub assignable_roles: Vec<String>,
    /// The role id that gives the desk.
    pub admin_role: String,
    /// Vendor support: members of this organization holding this role get the read-only console.
    pub support_org: Option<String>,
    pub support_role: Option<String>,
    /// The sign-up application (organizations denied) through which people without an organization
    /// create one, and the connections enabled for each organization made that way. None: people
    /// cannot create organizations.
    pub onboarding: Option<OnboardingClient>,
    /// Which scopes need a second admin's approval, and how requests wait.
    pub approvals: Approvals,
    /// Organizations' M2M token quotas the vendor sets (`ORGDESK_ORG_TOKEN_QUOTAS`); `*` is the
    /// quota of every organization customers create.
    pub org_quotas: Vec<OrgQuota>,
    /// orgdesk's own API's identifier (`ORGDESK_API_AUDIENCE`): the audience of the automation
    /// API's tokens, and an API customers may grant their bots. None: the automation API is off.
    pub api_audience: Option<String>,
}

/// An organization's client-credentials token quota as the vendor configures it (always enforced).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgQuota {
    /// An organization id, or `*`.
    pub org_id: String,
    pub per_day: Option<u64>,
    pub per_hour: Option<u64>,
}

/// Four-eyes approval: the scopes that need a second admin, how long a request waits, and what an
/// organization with a single admin does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approvals {
    pub sensitive: Vec<String>,
    pub days: u32,
    pub fallback: ApprovalFallback,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalFallback {
    /// Granted at once, with a warning in the audit log.
    Allow,
    /// The request waits for a second admin (support staff see it in the console).
    Wait,
}

/// Set with the local tenant or a real one alike.
pub const APPROVAL_VARIABLES: &[&str] = &[
    "ORGDESK_SENSITIVE_SCOPES",
    "ORGDESK_APPROVAL_DAYS",
    "ORGDESK_APPROVAL_FALLBACK",
    "ORGDESK_ORG_TOKEN_QUOTAS",
];

/// `org_abc=1000/day, org_def=50/hour+1000/day, *=5000/day`: each organization's token quota.
pub fn parse_org_quotas(value: &str) -> Result<Vec<OrgQuota>, ConfigError> {
    const NAME: &str = "ORGDESK_ORG_TOKEN_QUOTAS";
    let mut out: Vec<OrgQuota> = Vec::new();
    for entry in list(value) {
        let Some((org_id, limits)) = entry.split_once('=') else {
            return Err(invalid(
                NAME,
                format!("`{entry}` is not `<organization id>=<n>/day`"),
            ));
        };
        let org_id = org_id.trim().to_string();
        let valid_id = org_id == "*"
            || (org_id.starts_with("org_")
                && org_id.len() <= 50
                && org_id[4..].chars().all(|c| c.is_ascii_alphanumeric()));
        if !valid_id || out.iter().any(|q| q.org_id == org_id) {
            return Err(invalid(
                NAME,
                format!("`{org_id}` is not an organization id given once, or `*`"),
            ));
        }
        let mut quota = OrgQuota {
            org_id,
            per_day: None,
            per_hour: None,
        };
        for part in limits.split('+') {
            let (n, unit) = part.trim().split_once('/').unwrap_or((part, ""));
            let n = n
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|n| (1..=1_000_000_000).contains(n));
            let slot = match unit.trim() {
                "day" => Some(&mut quota.per_day),
                "hour" => Some(&mut quota.per_hour),
                _ => None,
            };
            match (n, slot) {
                (Some(n), Some(slot)) if slot.is_none() => *slot = Some(n),
                _ => {
                    return Err(invalid(
                        NAME,
                        format!(
                            "`{}` is not `<n>/day` or `<n>/hour` (n from 1), each once",
                            part.trim()
                        ),
                    ))
                }
            }
        }
        out.push(quota);
    }
    Ok(out)
}

fn approvals(
    get: &dyn Fn(&str) -> Option<String>,
    apis: &[ApiPolicy],
) -> Result<Approvals, ConfigError> {
    let sensitive = list(&get("ORGDESK_SENSITIVE_SCOPES").unwrap_or_default());
    if let Some(unknown) = sensitive
        .iter()
        .find(|s| !apis.iter().any(|a| a.scopes.contains(s)))
    {
        return Err(invalid(
            "ORGDESK_SENSITIVE_SCOPES",
            format!("`{unknown}` is not a scope of any API in ORGDESK_APIS"),
        ));
    }
    let days = match get("ORGDESK_APPROVAL_DAYS") {
        None => 7,
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|d| (1..=30).contains(d))
            .ok_or_else(|| invalid("ORGDESK_APPROVAL_DAYS", format!("`{v}` is not 1–30")))?,
    };
    let fallback = match get("ORGDESK_APPROVAL_FALLBACK").as_deref() {
        None | Some("allow") => ApprovalFallback::Allow,
        Some("wait") => ApprovalFallback::Wait,
        Some(other) => {
            return Err(invalid(
                "ORGDESK_APPROVAL_FALLBACK",
                format!("`{other}` is not `allow` or `wait`"),
            ))
        }
    };
    Ok(Approvals {
        sensitive,
        days,
        fallback,
    })
}

/// The sign-up application, as SaaStart splits it from the sign-in one: a person signs in there
/// without an organization (the sign-in application requires one).
#[derive(Clone)]
pub struct OnboardingClient {
    pub client_id: String,
    pub client_secret: SecretString,
    /// Connection ids enabled for every organization customers create.
    pub connections: Vec<String>,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("upstream", &self.upstream)
            .field("login_client_id", &self.login_client_id)
            .field("login_client_secret", &"[redacted]")
            .field("mgmt_client_id", &self.mgmt_client_id)
            .field("mgmt_client_secret", &"[redacted]")
            .field("apis", &self.apis)
            .field("assignable_roles", &self.assignable_roles)
            .field("admin_role", &self.admin_role)
            .field("approvals", &self.approvals)
            .field("support_org", &self.support_org)
            .field("support_role", &self.support_role)
            .field(
                "onboarding",
                &self
                    .onboarding
                    .as_ref()
                    .map(|o| (&o.client_id, "[redacted]", &o.connections)),
            )
            .finish()
    }
}

/// The Travel0 demo's values (src/emulator/seed/travel0.json; a test keeps them in step).
pub mod demo {
    pub const LOGIN_CLIENT_ID: &str = "orgdeskLoginClientDemo0000000001";
    pub const LOGIN_CLIENT_SECRET: &str =
        "demo-login-secret-0000000000000000000000000000000000000000000001";
    pub const MGMT_CLIENT_ID: &str = "orgdeskManagementClientDemo00001";
    pub const MGMT_CLIENT_SECRET: &str =
        "demo-management-secret-00000000000000000000000000000000000000001";
    pub const API: &str = "https://api.travel0.example/";
    /// orgdesk's own API (the automation API's audience).
    pub const ORGDESK_API: &str = "https://orgdesk.travel0.example/api/";
    pub const API_SCOPES: &[&str] = &[
        "read:bookings",
        "write:bookings",
        "read:trips",
        "read:invoices",
        "manage:webhooks",
    ];
    pub const ADMIN_ROLE: &str = "rol_orgdeskAdmin0001";
    pub const ASSIGNABLE_ROLES: &[&str] = &[
        "rol_orgdeskAdmin0001",
        "rol_orgdeskMember001",
        "rol_orgdeskBilling01",
    ];
    pub const SUPPORT_ORG: &str = "org_travel0Support01";
    pub const SUPPORT_ROLE: &str = "rol_orgdeskSupport01";
    pub const ONBOARDING_CLIENT_ID: &str = "orgdeskOnboardingClientDemo00001";
    pub const ONBOARDING_CLIENT_SECRET: &str =
        "demo-onboarding-secret-00000000000000000000000000000000000000001";
    pub const DATABASE_CONNECTION: &str = "con_Travel0Database1";
}

pub const VARIABLES: &[&str] = &[
    "ORGDESK_AUTH0_DOMAIN",
    "ORGDESK_AUTH0_CLIENT_ID",
    "ORGDESK_AUTH0_CLIENT_SECRET",
    "ORGDESK_AUTH0_MGMT_CLIENT_ID",
    "ORGDESK_AUTH0_MGMT_CLIENT_SECRET",
    "ORGDESK_APIS",
    "ORGDESK_ASSIGNABLE_ROLES",
    "ORGDESK_ADMIN_ROLE",
    "ORGDESK_SUPPORT_ORG",
    "ORGDESK_SUPPORT_ROLE",
    "ORGDESK_LOCAL_TENANT_BIND",
    "ORGDESK_AUTH0_ALLOW_HTTP",
    "ORGDESK_AUTH0_ONBOARDING_CLIENT_ID",
    "ORGDESK_AUTH0_ONBOARDING_CLIENT_SECRET",
    "ORGDESK_ONBOARDING_CONNECTIONS",
    "ORGDESK_API_AUDIENCE",
];

/// `https://api.example.com/ read:a write:b; https://other.example.com/ read:c`
pub fn parse_apis(value: &str) -> Result<Vec<ApiPolicy>, ConfigError> {
    let apis: Vec<ApiPolicy> = value
        .split(';')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut words = part.split_whitespace();
            let audience = words.next().unwrap_or_default().to_string();
            let scopes: Vec<String> = words.map(String::from).collect();
            if scopes.is_empty() {
                return Err(invalid(
                    "ORGDESK_APIS",
                    format!("`{audience}` lists no scopes"),
                ));
            }
            Ok(ApiPolicy { audience, scopes })
        })
        .collect::<Result<_, _>>()?;
    if apis.is_empty() {
        return Err(invalid(
            "ORGDESK_APIS",
            "names no API (format: `audience scope scope; audience scope`)",
        ));
    }
    Ok(apis)
}

fn list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

pub fn from_vars(get: &dyn Fn(&str) -> Option<String>) -> Result<Identity, ConfigError> {
    let Some(domain) = get("ORGDESK_AUTH0_DOMAIN") else {
        return local(get);
    };
    let (domain, insecure_http) = tenant_domain(get, &domain)?;
    let required = |name: &str| {
        get(name).ok_or_else(|| invalid(name, "is required with ORGDESK_AUTH0_DOMAIN"))
    };
    let admin_role = required("ORGDESK_ADMIN_ROLE")?;
    let mut assignable_roles = list(&required("ORGDESK_ASSIGNABLE_ROLES")?);
    if assignable_roles.is_empty() {
        return Err(invalid("ORGDESK_ASSIGNABLE_ROLES", "lists no role id"));
    }
    assignable_roles.dedup();
    let support_org = get("ORGDESK_SUPPORT_ORG");
    let support_role = get("ORGDESK_SUPPORT_ROLE");
    if support_org.is_some() != support_role.is_some() {
        return Err(invalid(
            "ORGDESK_SUPPORT_ROLE",
            "ORGDESK_SUPPORT_ORG and ORGDESK_SUPPORT_ROLE go together",
        ));
    }
    let api_audience = get("ORGDESK_API_AUDIENCE");
    let apis = with_own_api(
        parse_apis(&required("ORGDESK_APIS")?)?,
        api_audience.as_deref(),
    )?;
    Ok(Identity {
        api_audience,
        upstream: Upstream::Auth0 {
            domain,
            insecure_http,
        },
        login_client_id: required("ORGDESK_AUTH0_CLIENT_ID")?,
        login_client_secret: SecretString::from(required("ORGDESK_AUTH0_CLIENT_SECRET")?),
        mgmt_client_id: required("ORGDESK_AUTH0_MGMT_CLIENT_ID")?,
        mgmt_client_secret: SecretString::from(required("ORGDESK_AUTH0_MGMT_CLIENT_SECRET")?),
        approvals: approvals(get, &apis)?,
        org_quotas: parse_org_quotas(&get("ORGDESK_ORG_TOKEN_QUOTAS").unwrap_or_default())?,
        apis,
        assignable_roles,
        admin_role,
        support_org,
        support_role,
        onboarding: onboarding_client(get)?,
    })
}

/// The sign-up application: its id, secret and connections go together.
fn onboarding_client(
    get: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<OnboardingClient>, ConfigError> {
    const ID: &str = "ORGDESK_AUTH0_ONBOARDING_CLIENT_ID";
    let (Some(client_id), Some(secret)) = (get(ID), get("ORGDESK_AUTH0_ONBOARDING_CLIENT_SECRET"))
    else {
        if let Some(name) = [
            ID,
            "ORGDESK_AUTH0_ONBOARDING_CLIENT_SECRET",
            "ORGDESK_ONBOARDING_CONNECTIONS",
        ]
        .into_iter()
        .find(|name| get(name).is_some())
        {
            return Err(invalid(
                name,
                "the sign-up application's id, secret and connections go together",
            ));
        }
        return Ok(None);
    };
    let connections = list(&get("ORGDESK_ONBOARDING_CONNECTIONS").unwrap_or_default());
    if connections.is_empty() {
        return Err(invalid(
            "ORGDESK_ONBOARDING_CONNECTIONS",
            "lists no connection id (the connections new organizations sign in with, e.g. con_…)",
        ));
    }
    if let Some(bad) = connections.iter().find(|c| !c.starts_with("con_")) {
        return Err(invalid(
            "ORGDESK_ONBOARDING_CONNECTIONS",
            format!("`{bad}` is not a connection id (con_…)"),
        ));
    }
    Ok(Some(OnboardingClient {
        client_id,
        client_secret: SecretString::from(secret),
        connections,
    }))
}

/// The embedded local tenant with the Travel0 demo's values; a tenant's variable set without a
/// domain is refused rather than ignored.
fn local(get: &dyn Fn(&str) -> Option<String>) -> Result<Identity, ConfigError> {
    let bind = match get("ORGDESK_LOCAL_TENANT_BIND") {
        Some(v) => v.parse().map_err(|_| {
            invalid(
                "ORGDESK_LOCAL_TENANT_BIND",
                format!("`{v}` is not an address like 127.0.0.1:3001"),
            )
        })?,
        None => SocketAddr::from(([127, 0, 0, 1], 3001)),
    };
    if let Some(name) = VARIABLES
        .iter()
        .find(|v| !v.ends_with("LOCAL_TENANT_BIND") && get(v).is_some())
    {
        return Err(invalid(
            name,
            "set without ORGDESK_AUTH0_DOMAIN (the embedded local tenant uses its demo values)",
        ));
    }
    let owned = |list: &[&str]| list.iter().map(|s| s.to_string()).collect();
    let apis = vec![ApiPolicy {
        audience: demo::API.into(),
        scopes: owned(demo::API_SCOPES),
    }];
    let apis = with_own_api(apis, Some(demo::ORGDESK_API))?;
    Ok(Identity {
        api_audience: Some(demo::ORGDESK_API.into()),
        approvals: approvals(get, &apis)?,
        org_quotas: parse_org_quotas(&get("ORGDESK_ORG_TOKEN_QUOTAS").unwrap_or_default())?,
        upstream: Upstream::Local { bind },
        login_client_id: demo::LOGIN_CLIENT_ID.into(),
        login_client_secret: SecretString::from(demo::LOGIN_CLIENT_SECRET),
        mgmt_client_id: demo::MGMT_CLIENT_ID.into(),
        mgmt_client_secret: SecretString::from(demo::MGMT_CLIENT_SECRET),
        apis,
        assignable_roles: owned(demo::ASSIGNABLE_ROLES),
        admin_role: demo::ADMIN_ROLE.into(),
        support_org: Some(demo::SUPPORT_ORG.into()),
        support_role: Some(demo::SUPPORT_ROLE.into()),
        onboarding: Some(OnboardingClient {
            client_id: demo::ONBOARDING_CLIENT_ID.into(),
            client_secret: SecretString::from(demo::ONBOARDING_CLIENT_SECRET),
            connections: vec![demo::DATABASE_CONNECTION.into()],
        }),
    })
}

/// The vendor's APIs, and orgdesk's own after them (when it has one): customers grant their
/// automation bots its scopes like any other API's.
fn with_own_api(
    mut apis: Vec<ApiPolicy>,
    own: Option<&str>,
) -> Result<Vec<ApiPolicy>, ConfigError> {
    let Some(own) = own else { return Ok(apis) };
    if apis.iter().any(|a| a.audience == own) {
        return Err(invalid(
            "ORGDESK_API_AUDIENCE",
            "is also listed in ORGDESK_APIS: orgdesk's own API is added with its own scopes",
        ));
    }
    if url::Url::parse(own).is_err() {
        return Err(invalid(
            "ORGDESK_API_AUDIENCE",
            format!(
                "`{own}` is not a URL (an API identifier like https://orgdesk.example.com/api/)"
            ),
        ));
    }
    apis.push(ApiPolicy {
        audience: own.to_string(),
        scopes: crate::server::automation::scopes::ALL
            .iter()
            .map(|s| s.to_string())
            .collect(),
    });
    Ok(apis)
}

/// The tenant's host (without scheme or slash) and whether it is reached over plain http.
/// Plain http only on this machine, and only when asked for by name: it is for running orgdesk
/// against a separately started local tenant (`orgdesk tenant`), never a real one.
pub(crate) fn tenant_domain(
    get: &dyn Fn(&str) -> Option<String>,
    given: &str,
) -> Result<(String, bool), ConfigError> {
    let allow_http = match get("ORGDESK_AUTH0_ALLOW_HTTP").as_deref() {
        None => false,
        Some("loopback") => true,
        Some(other) => {
            return Err(invalid(
                "ORGDESK_AUTH0_ALLOW_HTTP",
                format!("`{other}` is not `loopback` (the only value)"),
            ))
        }
    };
    let insecure_http = given.starts_with("http://");
    let domain = given
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    if insecure_http && !(allow_http && is_loopback(&domain)) {
        return Err(invalid(
            "ORGDESK_AUTH0_DOMAIN",
            if allow_http {
                format!("`http://{domain}` is not on a loopback address; plain http is allowed only for a tenant on this machine")
            } else {
                format!("`http://{domain}`: a tenant is reached over https (set ORGDESK_AUTH0_ALLOW_HTTP=loopback for a local tenant on this machine)")
            },
        ));
    }
    if allow_http && !insecure_http {
        return Err(invalid(
            "ORGDESK_AUTH0_ALLOW_HTTP",
            "is set, but ORGDESK_AUTH0_DOMAIN is not an http:// address",
        ));
    }
    if domain.is_empty() || domain.contains(['/', ' ', '?', '#']) {
        return Err(invalid(
            "ORGDESK_AUTH0_DOMAIN",
            format!("`{domain}` is not a domain like travel0.eu.auth0.com"),
        ));
    }
    Ok((domain, insecure_http))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn organization_quotas_are_read_per_day_and_hour_and_refused_when_unclear() {
        let q = parse_org_quotas("org_acme1=1000/day, org_b2=50/hour+800/day, *=5000/day").unwrap();
        assert_eq!(q.len(), 3);
        assert_eq!((q[0].per_day, q[0].per_hour), (Some(1000), None));
        assert_eq!((q[1].per_day, q[1].per_hour), (Some(800), Some(50)));
        assert_eq!(q[2].org_id, "*");
        assert!(parse_org_quotas("").unwrap().is_empty());
        for bad in [
            "org_a=1000",
            "org_a=0/day",
            "org_a=10/week",
            "org_a=1/day+2/day",
            "acme=1/day",
            "org_a=1/day, org_a=2/day",
            "org_a",
            "org_a=-1/day",
        ] {
            let err = parse_org_quotas(bad).unwrap_err();
            assert_eq!(err.variable, "ORGDESK_ORG_TOKEN_QUOTAS", "{bad}");
        }
    }

    #[test]
    fn without_a_domain_the_local_tenant_and_its_demo_values_are_used() {
        let identity = from_vars(&vars(&[])).unwrap();
        assert!(matches!(identity.upstream, Upstream::Local { bind } if bind.port() == 3001));
        assert_eq!(identity.admin_role, demo::ADMIN_ROLE);
        assert!(
            !format!("{identity:?}").contains(demo::MGMT_CLIENT_SECRET),
            "secrets stay out of Debug"
        );
        let err = from_vars(&vars(&[("ORGDESK_ADMIN_ROLE", "rol_x")])).unwrap_err();
        assert_eq!(err.variable, "ORGDESK_ADMIN_ROLE");
    }

    #[test]
    fn demo_values_match_the_seed() {
        let seed = crate::emulator::seed::Seed::travel0().unwrap();
        let secret_of = |id: &str| {
            seed.clients
                .iter()
                .find(|c| c.client_id == id)
                .map(|c| c.client_secret.clone())
        };
        assert_eq!(
            secret_of(demo::LOGIN_CLIENT_ID).as_deref(),
            Some(demo::LOGIN_CLIENT_SECRET)
        );
        assert_eq!(
            secret_of(demo::MGMT_CLIENT_ID).as_deref(),
            Some(demo::MGMT_CLIENT_SECRET)
        );
        assert_eq!(
            secret_of(demo::ONBOARDING_CLIENT_ID).as_deref(),
            Some(demo::ONBOARDING_CLIENT_SECRET)
        );
        assert_eq!(
            seed.database_connection_id.as_deref(),
            Some(demo::DATABASE_CONNECTION)
        );
        let role = |name: &str| {
            seed.roles
                .iter()
                .find(|r| r.name == name)
                .map(|r| r.id.as_str())
        };
        assert_eq!(role("admin"), Some(demo::ADMIN_ROLE));
        assert_eq!(role("support"), Some(demo::SUPPORT_ROLE));
        assert_eq!(
            demo::ASSIGNABLE_ROLES,
            [
                role("admin").unwrap(),
                role("member").unwrap(),
                role("billing").unwrap()
            ]
        );
        assert!(seed.organizations.iter().any(|o| o.id == demo::SUPPORT_ORG));
        let api = seed
            .resource_servers
            .iter()
            .find(|r| r.identifier == demo::API)
            .unwrap();
        for scope in demo::API_SCOPES {
            assert!(api.scopes.iter().any(|s| s.value == *scope), "{scope}");
        }
    }

    #[test]
    fn the_sign_up_application_comes_whole_or_not_at_all() {
        let full = [
            ("ORGDESK_AUTH0_DOMAIN", "travel0.eu.auth0.com"),
            ("ORGDESK_AUTH0_CLIENT_ID", "login"),
            ("ORGDESK_AUTH0_CLIENT_SECRET", "s1"),
            ("ORGDESK_AUTH0_MGMT_CLIENT_ID", "mgmt"),
            ("ORGDESK_AUTH0_MGMT_CLIENT_SECRET", "s2"),
            ("ORGDESK_APIS", "https://api.travel0.com/ read:bookings"),
            ("ORGDESK_ASSIGNABLE_ROLES", "rol_a"),
            ("ORGDESK_ADMIN_ROLE", "rol_a"),
        ];
        let identity = from_vars(&vars(&full)).unwrap();
        assert!(identity.onboarding.is_none());

        // The sign-up application: id, secret and connection ids together, or none of them.
        let onboarding = |extra: &[(&'static str, &'static str)]| {
            let mut v: Vec<(&str, &str)> = full.to_vec();
            v.extend_from_slice(extra);
            let get = vars(&v);
            from_vars(&get)
        };
        let both = [
            ("ORGDESK_AUTH0_ONBOARDING_CLIENT_ID", "signup"),
            ("ORGDESK_AUTH0_ONBOARDING_CLIENT_SECRET", "s3"),
        ];
        let whole = onboarding(&[
            both[0],
            both[1],
            ("ORGDESK_ONBOARDING_CONNECTIONS", "con_a, con_b"),
        ])
        .unwrap()
        .onboarding
        .unwrap();
        assert_eq!(whole.connections, ["con_a", "con_b"]);
        assert_eq!(
            onboarding(&both).unwrap_err().variable,
            "ORGDESK_ONBOARDING_CONNECTIONS"
        );
        assert_eq!(
            onboarding(&[both[0]]).unwrap_err().variable,
            "ORGDESK_AUTH0_ONBOARDING_CLIENT_ID"
        );
        assert_eq!(
            onboarding(&[
                both[0],
                both[1],
                (
                    "ORGDESK_ONBOARDING_CONNECTIONS",
                    "Username-Password-Authentication"
                )
            ])
            .unwrap_err()
            .variable,
            "ORGDESK_ONBOARDING_CONNECTIONS"
        );
    }

    #[test]
    fn a_real_tenant_needs_every_value_and_checks_them() {
        let full = [
            ("ORGDESK_AUTH0_DOMAIN", "https://travel0.eu.auth0.com/"),
            ("ORGDESK_AUTH0_CLIENT_ID", "login"),
            ("ORGDESK_AUTH0_CLIENT_SECRET", "s1"),
            ("ORGDESK_AUTH0_MGMT_CLIENT_ID", "mgmt"),
            ("ORGDESK_AUTH0_MGMT_CLIENT_SECRET", "s2"),
            ("ORGDESK_APIS", "https://api.travel0.com/ read:bookings write:bookings; https://files.travel0.com/ read:files"),
            ("ORGDESK_ASSIGNABLE_ROLES", "rol_a, rol_b"),
            ("ORGDESK_ADMIN_ROLE", "rol_a"),
        ];
        let identity = from_vars(&vars(&full)).unwrap();
        assert!(
            matches!(&identity.upstream, Upstream::Auth0 { domain, insecure_http: false } if domain == "travel0.eu.auth0.com")
        );
        assert_eq!(identity.apis.len(), 2);
        assert_eq!(identity.apis[0].scopes, ["read:bookings", "write:bookings"]);
        assert_eq!(identity.assignable_roles, ["rol_a", "rol_b"]);
        for missing in [
            "ORGDESK_AUTH0_CLIENT_ID",
            "ORGDESK_APIS",
            "ORGDESK_ADMIN_ROLE",
        ] {
            let partial: Vec<_> = full
                .iter()
                .copied()
                .filter(|(k, _)| *k != missing)
                .collect();
            assert_eq!(from_vars(&vars(&partial)).unwrap_err().variable, missing);
        }
        assert!(parse_apis("https://api.example.com/").is_err());

        // Plain http: only for a tenant on this machine, and only when asked for by name.
        let with = |domain: &'static str, allow: Option<&'static str>| {
            let mut v: Vec<(&str, &str)> = full
                .iter()
                .copied()
                .filter(|(k, _)| *k != "ORGDESK_AUTH0_DOMAIN")
                .collect();
            v.push(("ORGDESK_AUTH0_DOMAIN", domain));
            if let Some(a) = allow {
                v.push(("ORGDESK_AUTH0_ALLOW_HTTP", a));
            }
            #[allow(clippy::let_and_return)] // the borrow of `v` must end inside the block
            let found = from_vars(&vars(&v));
            found
        };
        let err = with("http://127.0.0.1:4000", None).unwrap_err();
        assert_eq!(err.variable, "ORGDESK_AUTH0_DOMAIN");
        let local = with("http://127.0.0.1:4000/", Some("loopback")).unwrap();
        assert_eq!(
            local.upstream.issuer().as_deref(),
            Some("http://127.0.0.1:4000/")
        );
        assert!(with("http://localhost:4000", Some("loopback")).is_ok());
        assert!(with("http://[::1]:4000", Some("loopback")).is_ok());
        for remote in [
            "http://travel0.eu.auth0.com",
            "http://10.0.0.5:4000",
            "http://127.0.0.1.evil.example",
        ] {
            assert!(with(remote, Some("loopback")).is_err(), "{remote}");
        }
        assert!(with("https://travel0.eu.auth0.com", Some("loopback")).is_err());
        assert!(with("http://127.0.0.1:4000", Some("yes")).is_err());
    }
}
