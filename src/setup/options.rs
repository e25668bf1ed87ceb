//! What `orgdesk setup` is asked to make: flags, a small TOML file, or both (flags win), checked
//! before anything is read from the tenant.

use std::path::PathBuf;

use serde::Deserialize;

pub const USAGE: &str = "usage: orgdesk setup [--config orgdesk-setup.toml] [--domain TENANT] \
[--public-url URL] [--api 'AUDIENCE scope scope'] [--role NAME[=DESCRIPTION]] [--admin-role NAME] \
[--prompt pre|post|none] [--connection NAME] [--no-onboarding] [--support-org NAME --support-role NAME] \
[--automation-api IDENTIFIER] [--adopt KIND=ID] [--out orgdesk.env] [--allow-http loopback] [--dry-run]
The bootstrap credential (a Management API application with broad scopes, used for this run only) is read
from AUTH0_BOOTSTRAP_CLIENT_ID and AUTH0_BOOTSTRAP_CLIENT_SECRET, or asked for on the terminal.";

/// The file form (`--config`); every key optional, unknown keys refused.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    domain: Option<String>,
    public_url: Option<String>,
    allow_http: Option<String>,
    organization_prompt: Option<String>,
    admin_role: Option<String>,
    #[serde(default)]
    connections: Vec<String>,
    #[serde(default)]
    roles: Vec<RoleSpec>,
    #[serde(default)]
    apis: Vec<ApiSpec>,
    /// orgdesk's own API's identifier (the automation API's audience); `<public_url>/api/` when absent.
    automation_api: Option<String>,
    support: Option<SupportSpec>,
    /// Whether customers may create organizations (the sign-up application); on by default.
    onboarding: Option<bool>,
    out: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleSpec {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeSpec {
    pub value: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiSpec {
    pub identifier: String,
    #[serde(default)]
    pub name: Option<String>,
    pub scopes: Vec<ScopeSpec>,
    /// The scopes customers may grant their bots (all of them when absent).
    #[serde(default)]
    pub grantable: Option<Vec<String>>,
}

impl ApiSpec {
    pub fn grantable(&self) -> Vec<String> {
        self.grantable
            .clone()
            .unwrap_or_else(|| self.scopes.iter().map(|s| s.value.clone()).collect())
    }

    pub fn display_name(&self) -> String {
        self.name.clone().unwrap_or_else(|| {
            self.identifier
                .trim_start_matches("https://")
                .trim_start_matches("http://")
                .trim_end_matches('/')
                .to_string()
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupportSpec {
    /// The support organization's name (its slug).
    pub organization: String,
    #[serde(default)]
    pub display_name: Option<String>,
    pub role: String,
    #[serde(default)]
    pub role_description: Option<String>,
}

/// Objects setup did not make but may manage from now on, named by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdoptKind {
    LoginClient,
    OnboardingClient,
    ManagementClient,
    Api,
    Role,
    SupportOrg,
}

impl AdoptKind {
    const NAMES: [(&'static str, AdoptKind); 6] = [
        ("login-client", AdoptKind::LoginClient),
        ("onboarding-client", AdoptKind::OnboardingClient),
        ("management-client", AdoptKind::ManagementClient),
        ("api", AdoptKind::Api),
        ("role", AdoptKind::Role),
        ("support-org", AdoptKind::SupportOrg),
    ];
}

#[derive(Debug, Clone)]
pub struct Options {
    /// The tenant's host, and whether it is reached over plain http (a local tenant only).
    pub domain: String,
    pub insecure_http: bool,
    pub public_url: String,
    /// The login client's `organization_require_behavior`.
    pub prompt: String,
    pub apis: Vec<ApiSpec>,
    /// orgdesk's own API (the automation API), registered beside the vendor's.
    pub own_api: ApiSpec,
    /// Customer roles, in the order the desk shows them.
    pub roles: Vec<RoleSpec>,
    pub admin_role: String,
    pub support: Option<SupportSpec>,
    pub connections: Vec<String>,
    /// Make the sign-up application, through which people create their own organization.
    pub onboarding: bool,
    pub adopt: Vec<(AdoptKind, String)>,
    pub out: PathBuf,
    pub dry_run: bool,
}

impl Options {
    pub fn issuer(&self) -> String {
        let scheme = if self.insecure_http { "http" } else { "https" };
        format!("{scheme}://{}/", self.domain)
    }

    pub fn adopted(&self, kind: AdoptKind) -> impl Iterator<Item = &str> {
        self.adopt
            .iter()
            .filter(move |(k, _)| *k == kind)
            .map(|(_, id)| id.as_str())
    }
}

/// Reads the flags (and the file `--config` names).
pub fn parse(args: &[String]) -> Result<Options, String> {
    let mut file = File::default();
    let mut flags = File::default();
    let mut adopt = Vec::new();
    let mut dry_run = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--config" => {
                let path = value("--config")?;
                let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
                file = toml::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
            }
            "--domain" => flags.domain = Some(value("--domain")?),
            "--public-url" => flags.public_url = Some(value("--public-url")?),
            "--allow-http" => flags.allow_http = Some(value("--allow-http")?),
            "--prompt" => flags.organization_prompt = Some(value("--prompt")?),
            "--admin-role" => flags.admin_role = Some(value("--admin-role")?),
            "--connection" => flags.connections.push(value("--connection")?),
            "--out" => flags.out = Some(PathBuf::from(value("--out")?)),
            "--api" => flags.apis.push(api_flag(&value("--api")?)?),
            "--automation-api" => flags.automation_api = Some(value("--automation-api")?),
            "--role" => flags.roles.push(role_flag(&value("--role")?)),
            "--support-org" => {
                let org = value("--support-org")?;
                support_flag(&mut flags).organization = org;
            }
            "--support-role" => {
                let role = value("--support-role")?;
                support_flag(&mut flags).role = role;
            }
            "--adopt" => adopt.push(adopt_flag(&value("--adopt")?)?),
            "--no-onboarding" => flags.onboarding = Some(false),
            "--dry-run" => dry_run = true,
            "--help" | "-h" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    resolve(file, flags, adopt, dry_run)
}

fn support_flag(flags: &mut File) -> &mut SupportSpec {
    flags.support.get_or_insert_with(|| SupportSpec {
        organization: String::new(),
        display_name: None,
        role: String::new(),
        role_description: None,
    })
}

/// `https://api.example.com/ read:a write:b`: an API and its scopes, all grantable.
fn api_flag(value: &str) -> Result<ApiSpec, String> {
    let mut words = value.split_whitespace();
    let identifier = words.next().unwrap_or_default().to_string();
    let scopes: Vec<ScopeSpec> = words
        .map(|w| ScopeSpec {
            value: w.to_string(),
            description: None,
        })
        .collect();
    if identifier.is_empty() || scopes.is_empty() {
        return Err(format!(
            "--api `{value}`: give an audience and its scopes, e.g. `https://api.example.com/ read:orders`"
        ));
    }
    Ok(ApiSpec {
        identifier,
        name: None,
        scopes,
        grantable: None,
    })
}

fn role_flag(value: &str) -> RoleSpec {
    match value.split_once('=') {
        Some((name, description)) => RoleSpec {
            name: name.trim().to_string(),
            description: Some(description.trim().to_string()).filter(|d| !d.is_empty()),
        },
        None => RoleSpec {
            name: value.trim().to_string(),
            description: None,
        },
    }
}

fn adopt_flag(value: &str) -> Result<(AdoptKind, String), String> {
    let (kind, id) = value.split_once('=').unwrap_or((value, ""));
    let kind = AdoptKind::NAMES
        .iter()
        .find(|(name, _)| *name == kind)
        .map(|(_, k)| *k)
        .ok_or_else(|| {
            let names: Vec<&str> = AdoptKind::NAMES.iter().map(|(n, _)| *n).collect();
            format!("--adopt `{value}`: the kind is one of {}", names.join(", "))
        })?;
    if id.trim().is_empty() {
        return Err(format!("--adopt `{value}`: name the object's id (KIND=ID)"));
    }
    Ok((kind, id.trim().to_string()))
}

/// Merges flags over the file and checks the result.
fn resolve(
    file: File,
    flags: File,
    adopt: Vec<(AdoptKind, String)>,
    dry_run: bool,
) -> Result<Options, String> {
    let domain = flags.domain.or(file.domain).ok_or_else(|| {
        format!("name the tenant with --domain (e.g. travel0.eu.auth0.com)\n{USAGE}")
    })?;
    let allow_http = flags.allow_http.or(file.allow_http);
    let get = |name: &str| match name {
        "ORGDESK_AUTH0_ALLOW_HTTP" => allow_http.clone(),
        _ => None,
    };
    let (domain, insecure_http) = crate::server::identity::tenant_domain(&get, &domain)
        .map_err(|e| e.to_string().replace("ORGDESK_AUTH0_DOMAIN", "--domain"))
        .map_err(|e| e.replace("ORGDESK_AUTH0_ALLOW_HTTP", "--allow-http"))?;
    let public_url = public_url(
        &flags
            .public_url
            .or(file.public_url)
            .ok_or_else(|| format!("give --public-url, where users reach orgdesk\n{USAGE}"))?,
    )?;
    let prompt = prompt(
        flags
            .organization_prompt
            .or(file.organization_prompt)
            .as_deref()
            .unwrap_or("post"),
    )?;
    let apis = flags_or_file(flags.apis, file.apis);
    check_apis(&apis)?;
    let own_api = own_api(
        flags.automation_api.or(file.automation_api),
        &public_url,
        &apis,
    )?;
    let mut roles = flags_or_file(flags.roles, file.roles);
    if roles.is_empty() {
        roles = default_roles();
    }
    let admin_role = flags
        .admin_role
        .or(file.admin_role)
        .unwrap_or_else(|| "admin".into());
    let support = match (flags.support, file.support) {
        (Some(f), _) => Some(f),
        (None, f) => f,
    };
    check_roles(&roles, &admin_role, support.as_ref())?;
    let mut connections = flags_or_file(flags.connections, file.connections);
    connections.dedup();
    let onboarding = flags.onboarding.or(file.onboarding).unwrap_or(true);
    if onboarding && connections.is_empty() {
        return Err(format!(
            "name the connection(s) people sign in with (--connection, e.g. Username-Password-Authentication): \
             organizations customers create are enabled on them; or pass --no-onboarding\n{USAGE}"
        ));
    }
    Ok(Options {
        domain,
        insecure_http,
        public_url,
        prompt,
        apis,
        own_api,
        roles,
        admin_role,
        support,
        connections,
        onboarding,
        adopt,
        out: flags
            .out
            .or(file.out)
            .unwrap_or_else(|| PathBuf::from("orgdesk.env")),
        dry_run,
    })
}

/// A list given by flags replaces the file's whole list.
fn flags_or_file<T>(flags: Vec<T>, file: Vec<T>) -> Vec<T> {
    if flags.is_empty() {
        file
    } else {
        flags
    }
}

fn default_roles() -> Vec<RoleSpec> {
    vec![
        RoleSpec {
            name: "admin".into(),
            description: Some("Organization admin: manages bots, access and members".into()),
        },
        RoleSpec {
            name: "member".into(),
            description: Some("Member of the organization".into()),
        },
    ]
}

/// An origin without a path: https, or http on this machine only.
fn public_url(value: &str) -> Result<String, String> {
    let url = url::Url::parse(value).map_err(|e| format!("--public-url `{value}`: {e}"))?;
    let loopback = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    let scheme_ok = url.scheme() == "https" || (url.scheme() == "http" && loopback);
    if !scheme_ok || url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "--public-url `{value}`: an https origin without a path (http only on localhost)"
        ));
    }
    Ok(url.origin().ascii_serialization())
}

fn prompt(value: &str) -> Result<String, String> {
    match value {
        "pre" | "pre_login_prompt" => Ok("pre_login_prompt".into()),
        "post" | "post_login_prompt" => Ok("post_login_prompt".into()),
        "none" | "no_prompt" => Ok("no_prompt".into()),
        other => Err(format!(
            "--prompt `{other}`: one of pre (ask for the organization first), post (after sign-in), none"
        )),
    }
}

/// orgdesk's own API: its identifier (given, or `<public_url>/api/`) and the automation API's scopes.
fn own_api(given: Option<String>, public_url: &str, apis: &[ApiSpec]) -> Result<ApiSpec, String> {
    let identifier = given.unwrap_or_else(|| format!("{}/api/", public_url.trim_end_matches('/')));
    if url::Url::parse(&identifier).is_err() {
        return Err(format!("--automation-api `{identifier}` is not a URL"));
    }
    if apis.iter().any(|a| a.identifier == identifier) {
        return Err(format!(
            "`{identifier}` is orgdesk's own API (--automation-api); the vendor's APIs (--api) are others"
        ));
    }
    Ok(ApiSpec {
        identifier,
        name: Some("orgdesk automation API".into()),
        scopes: crate::server::automation::scopes::DESCRIBED
            .iter()
            .map(|(value, description)| ScopeSpec {
                value: value.to_string(),
                description: Some(description.to_string()),
            })
            .collect(),
        grantable: None,
    })
}

fn check_apis(apis: &[ApiSpec]) -> Result<(), String> {
    if apis.is_empty() {
        return Err(format!(
            "name at least one API customers may grant their bots (--api or [[apis]])\n{USAGE}"
        ));
    }
    for (i, api) in apis.iter().enumerate() {
        let id = &api.identifier;
        if id.trim().is_empty() || id.len() > 600 || id.chars().any(char::is_whitespace) {
            return Err(format!("API `{id}`: not a valid identifier"));
        }
        if apis[..i].iter().any(|a| &a.identifier == id) {
            return Err(format!("API `{id}` is named twice"));
        }
        for scope in &api.scopes {
            let v = &scope.value;
            if v.is_empty() || v.len() > 280 || v.chars().any(char::is_whitespace) {
                return Err(format!("API `{id}`: `{v}` is not a valid scope"));
            }
        }
        if let Some(bad) = api
            .grantable()
            .into_iter()
            .find(|g| !api.scopes.iter().any(|s| &s.value == g))
        {
            return Err(format!(
                "API `{id}`: grantable scope `{bad}` is not one of its scopes"
            ));
        }
    }
    Ok(())
}

fn check_roles(
    roles: &[RoleSpec],
    admin_role: &str,
    support: Option<&SupportSpec>,
) -> Result<(), String> {
    for (i, role) in roles.iter().enumerate() {
        if role.name.is_empty() || role.name.len() > 50 {
            return Err(format!(
                "role `{}`: a name of 1 to 50 characters",
                role.name
            ));
        }
        if roles[..i].iter().any(|r| r.name == role.name) {
            return Err(format!("role `{}` is named twice", role.name));
        }
    }
    if !roles.iter().any(|r| r.name == admin_role) {
        return Err(format!(
            "the admin role `{admin_role}` is not one of the roles given"
        ));
    }
    if let Some(s) = support {
        if s.organization.is_empty() || s.role.is_empty() {
            return Err("--support-org and --support-role go together".into());
        }
        if roles.iter().any(|r| r.name == s.role) {
            return Err(format!(
                "the support role `{}` must not be a customer role",
                s.role
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    const BASE: &[&str] = &[
        "--domain",
        "travel0.eu.auth0.com",
        "--public-url",
        "https://desk.travel0.com",
        "--api",
        "https://api.travel0.com/ read:bookings write:bookings",
        "--connection",
        "Username-Password-Authentication",
    ];

    #[test]
    fn flags_make_a_whole_plan_with_defaults() {
        let o = parse(&args(BASE)).unwrap();
        assert_eq!(o.issuer(), "https://travel0.eu.auth0.com/");
        assert_eq!(o.public_url, "https://desk.travel0.com");
        assert_eq!(o.prompt, "post_login_prompt");
        assert_eq!(o.apis[0].grantable(), ["read:bookings", "write:bookings"]);
        let names: Vec<&str> = o.roles.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["admin", "member"]);
        assert_eq!(o.out, PathBuf::from("orgdesk.env"));
        assert!(!o.dry_run && o.support.is_none());
        assert!(
            o.onboarding,
            "customers create organizations unless told otherwise"
        );
    }

    #[test]
    fn the_file_is_read_and_flags_win() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("setup.toml");
        std::fs::write(
            &path,
            r#"
domain = "other.auth0.com"
public_url = "https://desk.travel0.com"
organization_prompt = "pre"
admin_role = "owner"
connections = ["Username-Password-Authentication"]

[[roles]]
name = "owner"
description = "Runs the organization"

[[apis]]
identifier = "https://api.travel0.com/"
name = "Travel0 API"
scopes = [{ value = "read:bookings", description = "Read bookings" }, { value = "admin:pricing" }]
grantable = ["read:bookings"]

[support]
organization = "travel0-support"
role = "support"
"#,
        )
        .unwrap();
        let mut a = args(&["--config", path.to_str().unwrap()]);
        a.extend(args(&["--domain", "travel0.eu.auth0.com", "--dry-run"]));
        let o = parse(&a).unwrap();
        assert_eq!(o.domain, "travel0.eu.auth0.com");
        assert_eq!(o.prompt, "pre_login_prompt");
        assert_eq!(o.admin_role, "owner");
        assert_eq!(o.apis[0].grantable(), ["read:bookings"]);
        assert_eq!(o.apis[0].display_name(), "Travel0 API");
        assert_eq!(o.support.unwrap().organization, "travel0-support");
        assert!(o.dry_run);
        std::fs::write(&path, "domian = \"typo\"\n").unwrap();
        let err = parse(&args(&["--config", path.to_str().unwrap()])).unwrap_err();
        assert!(err.contains("domian"), "{err}");
    }

    #[test]
    fn bad_plans_are_refused_with_the_reason() {
        let with = |extra: &[&str]| {
            let mut a = args(BASE);
            a.extend(args(extra));
            parse(&a).unwrap_err()
        };
        assert!(with(&["--public-url", "http://desk.travel0.com"]).contains("https"));
        assert!(with(&["--public-url", "https://desk.travel0.com/desk"]).contains("without a path"));
        assert!(with(&["--domain", "http://travel0.eu.auth0.com"]).contains("--domain"));
        assert!(with(&["--prompt", "sometimes"]).contains("pre"));
        assert!(with(&["--role", "owner"]).contains("admin role `admin`"));
        assert!(with(&["--api", "https://x/"]).contains("scopes"));
        assert!(with(&["--adopt", "bucket=1"]).contains("login-client"));
        assert!(with(&["--adopt", "role="]).contains("id"));
        assert!(with(&["--support-org", "travel0-support"]).contains("go together"));
        assert!(with(&["--support-org", "s", "--support-role", "admin"]).contains("customer role"));
        assert!(with(&["--frobnicate"]).contains("unknown argument"));
        let local = parse(&args(&[
            "--domain",
            "http://127.0.0.1:4000",
            "--allow-http",
            "loopback",
            "--public-url",
            "http://127.0.0.1:3000",
            "--api",
            "https://api.local/ read:x",
            "--no-onboarding",
        ]))
        .unwrap();
        assert_eq!(local.issuer(), "http://127.0.0.1:4000/");
        assert!(!local.onboarding && local.connections.is_empty());
        // Onboarding enables each new organization on the named connections: it needs one.
        let bare: Vec<&str> = BASE[..BASE.len() - 2].to_vec();
        assert!(parse(&args(&bare)).unwrap_err().contains("--no-onboarding"));
    }
}
