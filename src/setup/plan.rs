//! What the tenant holds now against what orgdesk needs: one item per object, each to create, to
//! update (naming the fields that differ), unchanged, or refused because setup did not make it.
//!
//! Ownership: clients and organizations carry `orgdesk_setup` in their metadata; APIs and roles have
//! no metadata in Auth0, so orgdesk's Management application lists them as claims (a short hash of
//! "api:<identifier>" / "role:<name>"). Claims are written before the objects are made, so a run cut
//! short is completed, not refused, by the next one.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::options::{AdoptKind, Options};
use crate::server::auth0::client::absent_is_none;
use crate::server::auth0::{paths, ApiError, ManagementClient};

/// The metadata key that marks what setup made, and its values.
pub const MARK: &str = "orgdesk_setup";
pub const CLAIMS: &str = "orgdesk_claims";
/// Auth0's limit on one metadata value.
const METADATA_VALUE_MAX: usize = 255;

pub const MANAGEMENT_NAME: &str = "orgdesk (Management API)";
pub const LOGIN_NAME: &str = "orgdesk";
pub const ONBOARDING_NAME: &str = "orgdesk (sign-up)";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    ManagementClient,
    ManagementGrant,
    Role {
        name: String,
    },
    Api {
        identifier: String,
    },
    LoginClient,
    /// The sign-up application: people without an organization sign in there to create one.
    OnboardingClient,
    /// The login (and sign-up) client enabled on a connection.
    ConnectionClient {
        connection: String,
    },
    SupportOrg {
        name: String,
    },
    /// A connection enabled for the support organization.
    SupportOrgConnection {
        connection: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Create,
    /// The fields that differ.
    Update(Vec<String>),
    Unchanged,
    /// Why setup may not touch it.
    Refused(String),
}

#[derive(Debug, Clone)]
pub struct Item {
    pub kind: Kind,
    /// The object as the tenant has it (with its id), when it exists.
    pub current: Option<Value>,
    /// The fields setup manages, as they should be.
    pub desired: Map<String, Value>,
    pub action: Action,
}

impl Item {
    fn new(kind: Kind, current: Option<Value>, desired: Map<String, Value>) -> Self {
        let action = match &current {
            None => Action::Create,
            Some(cur) => match differing(&desired, cur) {
                fields if fields.is_empty() => Action::Unchanged,
                fields => Action::Update(fields),
            },
        };
        Self {
            kind,
            current,
            desired,
            action,
        }
    }

    fn refused(kind: Kind, current: Option<Value>, why: String) -> Self {
        Self {
            kind,
            current,
            desired: Map::new(),
            action: Action::Refused(why),
        }
    }

    /// The id of the existing object (`client_id` for clients).
    pub fn id(&self) -> Option<&str> {
        let key = match self.kind {
            Kind::ManagementClient | Kind::LoginClient | Kind::OnboardingClient => "client_id",
            _ => "id",
        };
        self.current.as_ref()?.get(key)?.as_str()
    }

    /// The fields that differ, with the old and new value where both are short text.
    pub fn changes(&self, fields: &[String]) -> String {
        let shown = |v: Option<&Value>| match v {
            Some(Value::String(s)) if s.chars().count() <= 60 => Some(format!("{s:?}")),
            Some(Value::Bool(b)) => Some(b.to_string()),
            None | Some(Value::Null) => Some("(unset)".into()),
            _ => None,
        };
        fields
            .iter()
            .map(|f| {
                let old = self.current.as_ref().and_then(|c| c.get(f));
                match (shown(old), shown(self.desired.get(f))) {
                    (Some(old), Some(new)) => format!("{f} {old} → {new}"),
                    _ => f.clone(),
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// "role `admin`", "API `https://…`": how the plan and errors name the object.
    pub fn label(&self) -> String {
        match &self.kind {
            Kind::ManagementClient => format!("application `{MANAGEMENT_NAME}`"),
            Kind::ManagementGrant => "orgdesk's Management API grant".into(),
            Kind::Role { name } => format!("role `{name}`"),
            Kind::Api { identifier } => format!("API `{identifier}`"),
            Kind::LoginClient => format!("application `{LOGIN_NAME}` (sign-in)"),
            Kind::OnboardingClient => format!("application `{ONBOARDING_NAME}`"),
            Kind::ConnectionClient { connection } => {
                format!("sign-in through connection `{connection}`")
            }
            Kind::SupportOrg { name } => format!("support organization `{name}`"),
            Kind::SupportOrgConnection { connection } => {
                format!("connection `{connection}` of the support organization")
            }
        }
    }
}

/// Fields of `desired` that `current` does not hold as wanted. Lists compare as sets.
pub fn differing(desired: &Map<String, Value>, current: &Value) -> Vec<String> {
    desired
        .iter()
        .filter(|(k, v)| normalized(v) != normalized(current.get(*k).unwrap_or(&Value::Null)))
        .map(|(k, _)| k.clone())
        .collect()
}

fn normalized(v: &Value) -> Value {
    match v {
        Value::Array(items) => {
            let mut items: Vec<Value> = items.iter().map(normalized).collect();
            items.sort_by_key(Value::to_string);
            Value::Array(items)
        }
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, v)| (k.clone(), normalized(v))).collect())
        }
        other => other.clone(),
    }
}

/// A claim on an API or role: short, so many fit in one metadata value.
pub fn claim(kind: &str, key: &str) -> String {
    let digest = Sha256::digest(format!("{kind}:{key}").as_bytes());
    digest[..4].iter().map(|b| format!("{b:02x}")).collect()
}

/// Everything setup read from the tenant, for the plan and for the environment it writes.
pub struct Plan {
    pub items: Vec<Item>,
}

impl Plan {
    pub fn refusals(&self) -> impl Iterator<Item = &Item> {
        self.items
            .iter()
            .filter(|i| matches!(i.action, Action::Refused(_)))
    }

    pub fn changes(&self) -> usize {
        self.items
            .iter()
            .filter(|i| matches!(i.action, Action::Create | Action::Update(_)))
            .count()
    }

    pub fn find(&self, kind: &Kind) -> Option<&Item> {
        self.items.iter().find(|i| &i.kind == kind)
    }
}

/// A failed read, naming what was being read.
#[derive(Debug, thiserror::Error)]
#[error("{object}: {source}")]
pub struct ReadError {
    pub object: String,
    pub source: ApiError,
}

fn reading(object: impl Into<String>) -> impl FnOnce(ApiError) -> ReadError {
    let object = object.into();
    move |source| ReadError { object, source }
}

/// Reads the tenant and lays the plan out, in the order it is applied.
pub async fn read(api: &ManagementClient, options: &Options) -> Result<Plan, ReadError> {
    let clients: Vec<Value> = api
        .list_offset(paths::CLIENTS, "clients", &[])
        .await
        .map_err(reading("the tenant's applications"))?;
    let mut items = Vec::new();

    let mgmt = own_client(
        &clients,
        "management",
        options.adopted(AdoptKind::ManagementClient),
    );
    let claims: BTreeSet<String> = mgmt
        .as_ref()
        .ok()
        .and_then(|c| c.as_ref())
        .and_then(|c| c.pointer(&format!("/client_metadata/{CLAIMS}")))
        .and_then(Value::as_str)
        .map(|s| s.split_whitespace().map(String::from).collect())
        .unwrap_or_default();
    let mgmt_item = match mgmt {
        Ok(current) => Item::new(
            Kind::ManagementClient,
            current.clone(),
            management_client(options, current.as_ref(), &claims)?,
        ),
        Err(why) => Item::refused(Kind::ManagementClient, None, why),
    };
    let mgmt_id = mgmt_item.id().map(String::from);
    items.push(mgmt_item);
    items.push(management_grant(api, options, mgmt_id.as_deref()).await?);

    let support_role = options.support.as_ref().map(|s| {
        (
            s.role.clone(),
            s.role_description
                .clone()
                .or_else(|| Some("Support staff: the read-only support console".into())),
        )
    });
    let roles = options
        .roles
        .iter()
        .map(|r| (r.name.clone(), r.description.clone()))
        .chain(support_role);
    for (name, description) in roles {
        items.push(role(api, options, &claims, &name, description.as_deref()).await?);
    }
    for spec in options.apis.iter().chain([&options.own_api]) {
        items.push(resource_server(api, options, &claims, spec).await?);
    }

    let login = match own_client(&clients, "login", options.adopted(AdoptKind::LoginClient)) {
        Ok(current) => Item::new(
            Kind::LoginClient,
            current.clone(),
            login_client(options, current.as_ref()),
        ),
        Err(why) => Item::refused(Kind::LoginClient, None, why),
    };
    let login_id = login.id().map(String::from);
    items.push(login);
    // The sign-up application: its id, or None while it is still to be made (then "none yet").
    let mut signing_in = vec![login_id];
    if options.onboarding {
        let adopted = options.adopted(AdoptKind::OnboardingClient);
        let onboarding = match own_client(&clients, "onboarding", adopted) {
            Ok(current) => Item::new(
                Kind::OnboardingClient,
                current.clone(),
                onboarding_client(options, current.as_ref()),
            ),
            Err(why) => Item::refused(Kind::OnboardingClient, None, why),
        };
        signing_in.push(onboarding.id().map(String::from));
        items.push(onboarding);
    }
    let mut connection_ids = Vec::new();
    for name in &options.connections {
        let (item, id) = connection_client(api, name, &signing_in).await?;
        items.push(item);
        connection_ids.push((name.clone(), id));
    }
    if let Some(spec) = &options.support {
        let org = support_org(api, options, spec).await?;
        let org_id = org.id().map(String::from);
        items.push(org);
        for (name, connection_id) in &connection_ids {
            items.push(
                support_org_connection(api, name, connection_id.as_deref(), org_id.as_deref())
                    .await?,
            );
        }
    }
    Ok(Plan { items })
}

/// The client setup made for `role` (marked in its metadata), or the one adopted by id.
fn own_client<'a>(
    clients: &[Value],
    role: &str,
    mut adopted: impl Iterator<Item = &'a str>,
) -> Result<Option<Value>, String> {
    if let Some(id) = adopted.next() {
        return clients
            .iter()
            .find(|c| c["client_id"] == id)
            .cloned()
            .map(Some)
            .ok_or_else(|| {
                format!("--adopt names `{id}`, which is no application of this tenant")
            });
    }
    let marked: Vec<&Value> = clients
        .iter()
        .filter(|c| c.pointer(&format!("/client_metadata/{MARK}")) == Some(&json!(role)))
        .collect();
    match marked.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some((*one).clone())),
        several => Err(format!(
            "{} applications are marked as orgdesk's {role} application; delete the extra ones or adopt one by id",
            several.len()
        )),
    }
}

/// `current`'s metadata with setup's keys set over it (Auth0 replaces the whole object on update).
fn metadata_with(current: Option<&Value>, key: &str, ours: &[(&str, String)]) -> Value {
    let mut m: Map<String, Value> = current
        .and_then(|c| c.get(key))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for (k, v) in ours {
        m.insert((*k).to_string(), json!(v));
    }
    Value::Object(m)
}

fn object(pairs: Value) -> Map<String, Value> {
    match pairs {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn management_client(
    options: &Options,
    current: Option<&Value>,
    claims: &BTreeSet<String>,
) -> Result<Map<String, Value>, ReadError> {
    // Claims only grow: an API or role dropped from the configuration stays orgdesk's, unchanged.
    let mut all = claims.clone();
    all.extend(options.roles.iter().map(|r| claim("role", &r.name)));
    all.extend(options.support.iter().map(|s| claim("role", &s.role)));
    all.extend(
        options
            .apis
            .iter()
            .chain([&options.own_api])
            .map(|a| claim("api", &a.identifier)),
    );
    let claims = all.into_iter().collect::<Vec<_>>().join(" ");
    if claims.len() > METADATA_VALUE_MAX {
        return Err(ReadError {
            object: format!("application `{MANAGEMENT_NAME}`"),
            source: ApiError::Decode(format!(
                "too many APIs and roles for one setup ({} claims; at most 28)",
                claims.split(' ').count()
            )),
        });
    }
    Ok(object(json!({
        "name": MANAGEMENT_NAME,
        "description": "orgdesk's backend: the only holder of Management API access (made by orgdesk setup)",
        "app_type": "non_interactive",
        "grant_types": ["client_credentials"],
        "token_endpoint_auth_method": "client_secret_post",
        "client_metadata": metadata_with(current, "client_metadata", &[(MARK, "management".into()), (CLAIMS, claims)]),
    })))
}

fn login_client(options: &Options, current: Option<&Value>) -> Map<String, Value> {
    let public = &options.public_url;
    let mut m = object(json!({
        "name": LOGIN_NAME,
        "description": "Sign-in to orgdesk, the organization admin desk (made by orgdesk setup)",
        "app_type": "regular_web",
        "oidc_conformant": true,
        "grant_types": ["authorization_code"],
        "token_endpoint_auth_method": "client_secret_post",
        "callbacks": [format!("{public}/auth/callback")],
        "allowed_logout_urls": [format!("{public}/")],
        "organization_usage": "require",
        "organization_require_behavior": options.prompt,
        "client_metadata": metadata_with(current, "client_metadata", &[(MARK, "login".into())]),
    }));
    // Auth0 takes only an https login URI (where its invitation links lead).
    if public.starts_with("https://") {
        m.insert(
            "initiate_login_uri".into(),
            json!(format!("{public}/login")),
        );
    }
    m
}

/// Organizations denied: a person signs in with no organization, to create one.
fn onboarding_client(options: &Options, current: Option<&Value>) -> Map<String, Value> {
    let public = &options.public_url;
    object(json!({
        "name": ONBOARDING_NAME,
        "description": "Sign-up to orgdesk: people create their own organization (made by orgdesk setup)",
        "app_type": "regular_web",
        "oidc_conformant": true,
        "grant_types": ["authorization_code"],
        "token_endpoint_auth_method": "client_secret_post",
        "callbacks": [format!("{public}/onboarding/callback")],
        "allowed_logout_urls": [format!("{public}/")],
        "organization_usage": "deny",
        "client_metadata": metadata_with(current, "client_metadata", &[(MARK, "onboarding".into())]),
    }))
}

async fn management_grant(
    api: &ManagementClient,
    options: &Options,
    client_id: Option<&str>,
) -> Result<Item, ReadError> {
    let audience = format!("{}api/v2/", options.issuer());
    let desired = object(json!({ "scope": crate::server::auth0::SCOPES }));
    let Some(client_id) = client_id else {
        return Ok(Item::new(Kind::ManagementGrant, None, desired));
    };
    let grants: Vec<Value> = api
        .list_offset(
            paths::CLIENT_GRANTS,
            "client_grants",
            &[("client_id", client_id.into()), ("audience", audience)],
        )
        .await
        .map_err(reading("orgdesk's Management API grant"))?;
    Ok(Item::new(
        Kind::ManagementGrant,
        grants.into_iter().next(),
        desired,
    ))
}

/// Whether setup may manage an existing API or role: it claimed it, or it is adopted by id.
fn owned(claims: &BTreeSet<String>, claim: &str, adopted: &[&str], id: &str) -> bool {
    claims.contains(claim) || adopted.contains(&id)
}

fn not_ours(what: &str, kind: &str, id: &str) -> String {
    format!("{what} exists and was not made by orgdesk setup; to let setup manage it, add --adopt {kind}={id}")
}

async fn role(
    api: &ManagementClient,
    options: &Options,
    claims: &BTreeSet<String>,
    name: &str,
    description: Option<&str>,
) -> Result<Item, ReadError> {
    let kind = Kind::Role {
        name: name.to_string(),
    };
    let found: Vec<Value> = api
        .list_offset(paths::ROLES, "roles", &[("name_filter", name.to_string())])
        .await
        .map_err(reading(format!("role `{name}`")))?;
    let current = found.into_iter().find(|r| r["name"] == name);
    let mut desired = object(json!({ "name": name }));
    if let Some(d) = description {
        desired.insert("description".into(), json!(d));
    }
    if let Some(cur) = &current {
        let id = cur["id"].as_str().unwrap_or_default();
        let adopted: Vec<&str> = options.adopted(AdoptKind::Role).collect();
        if !owned(claims, &claim("role", name), &adopted, id) {
            let why = not_ours(&format!("role `{name}`"), "role", id);
            return Ok(Item::refused(kind, current, why));
        }
    }
    Ok(Item::new(kind, current, desired))
}

async fn resource_server(
    api: &ManagementClient,
    options: &Options,
    claims: &BTreeSet<String>,
    spec: &super::options::ApiSpec,
) -> Result<Item, ReadError> {
    let identifier = &spec.identifier;
    let kind = Kind::Api {
        identifier: identifier.clone(),
    };
    let current = absent_is_none(
        api.send(
            reqwest::Method::GET,
            &paths::resource_server(identifier),
            &[],
            None,
        )
        .await,
    )
    .map_err(reading(format!("API `{identifier}`")))?
    .flatten();
    if let Some(cur) = &current {
        let id = cur["id"].as_str().unwrap_or_default();
        let adopted: Vec<&str> = options.adopted(AdoptKind::Api).collect();
        if !owned(claims, &claim("api", identifier), &adopted, id) {
            let why = not_ours(&format!("API `{identifier}`"), "api", id);
            return Ok(Item::refused(kind, current, why));
        }
    }
    // Scopes only grow: one added by hand (or dropped from the configuration) may be in a bot's grant.
    let mut scopes: Vec<Value> = current
        .as_ref()
        .and_then(|c| c["scopes"].as_array())
        .cloned()
        .unwrap_or_default();
    for s in &spec.scopes {
        let existing = scopes.iter().position(|e| e["value"] == s.value.as_str());
        let description = s
            .description
            .clone()
            .or_else(|| existing.and_then(|i| scopes[i]["description"].as_str().map(String::from)));
        let mut scope = json!({ "value": s.value });
        if let Some(d) = description {
            scope["description"] = json!(d);
        }
        match existing {
            Some(i) => scopes[i] = scope,
            None => scopes.push(scope),
        }
    }
    let mut desired = object(json!({ "name": spec.display_name(), "scopes": scopes }));
    if current.is_none() {
        desired.insert("identifier".into(), json!(identifier));
    }
    Ok(Item::new(kind, current, desired))
}

/// The connection's id (when it exists) with the item enabling the login client on it.
async fn connection_client(
    api: &ManagementClient,
    name: &str,
    client_ids: &[Option<String>],
) -> Result<(Item, Option<String>), ReadError> {
    let kind = Kind::ConnectionClient {
        connection: name.to_string(),
    };
    let found: Vec<Value> = api
        .list_offset(
            paths::CONNECTIONS,
            "connections",
            &[("name", name.to_string())],
        )
        .await
        .map_err(reading(format!("connection `{name}`")))?;
    let Some(connection) = found.into_iter().find(|c| c["name"] == name) else {
        let why = format!("the tenant has no connection named `{name}`");
        return Ok((Item::refused(kind, None, why), None));
    };
    let connection_id = connection["id"].as_str().map(String::from);
    let desired = object(json!({ "connection_id": connection_id }));
    // Enabled when every client that signs in through it is (one still to be made is not).
    let known: Option<Vec<&str>> = client_ids.iter().map(Option::as_deref).collect();
    let enabled = match (known, &connection_id) {
        (Some(wanted), Some(id)) => {
            let clients: Vec<Value> = api
                .list_checkpoint(&paths::connection_clients(id), "clients", &[])
                .await
                .map_err(reading(format!("connection `{name}`")))?;
            wanted
                .iter()
                .all(|w| clients.iter().any(|c| c["client_id"] == *w))
        }
        _ => false,
    };
    let current = enabled.then(|| json!({ "connection_id": connection_id }));
    Ok((Item::new(kind, current, desired), connection_id))
}

async fn support_org(
    api: &ManagementClient,
    options: &Options,
    spec: &super::options::SupportSpec,
) -> Result<Item, ReadError> {
    let name = &spec.organization;
    let kind = Kind::SupportOrg { name: name.clone() };
    let adopted: Vec<&str> = options.adopted(AdoptKind::SupportOrg).collect();
    let path = match adopted.first() {
        Some(id) => paths::organization(id),
        None => paths::organization_by_name(name),
    };
    let found = api.send(reqwest::Method::GET, &path, &[], None).await;
    // An organization adopted by id must exist; one looked up by name may not yet.
    let current = if adopted.is_empty() {
        absent_is_none(found).map(Option::flatten)
    } else {
        found
    }
    .map_err(reading(format!("organization `{name}`")))?;
    let mut desired = object(json!({
        "name": name,
        "display_name": spec.display_name.clone().unwrap_or_else(|| name.clone()),
        "metadata": metadata_with(current.as_ref(), "metadata", &[(MARK, "support".into())]),
    }));
    if let Some(cur) = &current {
        let marked = cur.pointer(&format!("/metadata/{MARK}")) == Some(&json!("support"));
        if !marked && adopted.is_empty() {
            let id = cur["id"].as_str().unwrap_or_default();
            let why = not_ours(&format!("organization `{name}`"), "support-org", id);
            return Ok(Item::refused(kind, current, why));
        }
        // An adopted organization keeps its own name.
        desired.remove("name");
    }
    Ok(Item::new(kind, current, desired))
}

async fn support_org_connection(
    api: &ManagementClient,
    name: &str,
    connection_id: Option<&str>,
    org_id: Option<&str>,
) -> Result<Item, ReadError> {
    let kind = Kind::SupportOrgConnection {
        connection: name.to_string(),
    };
    let desired = object(json!({ "connection_id": connection_id }));
    let (Some(connection_id), Some(org_id)) = (connection_id, org_id) else {
        return Ok(Item::new(kind, None, desired));
    };
    let enabled: Vec<Value> = api
        .list_offset(
            &paths::organization_connections(org_id),
            "enabled_connections",
            &[],
        )
        .await
        .map_err(reading(format!(
            "the support organization's connection `{name}`"
        )))?;
    let current = enabled
        .into_iter()
        .find(|e| e["connection_id"] == connection_id)
        .map(|_| json!({ "connection_id": connection_id }));
    Ok(Item::new(kind, current, desired))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_compare_as_sets_and_missing_fields_differ() {
        let desired = object(json!({"a": ["x", "y"], "b": 1, "c": {"k": "v"}}));
        assert!(differing(&desired, &json!({"a": ["y", "x"], "b": 1, "c": {"k": "v"}})).is_empty());
        assert_eq!(
            differing(&desired, &json!({"a": ["x"], "c": {"k": "w"}})),
            ["a", "b", "c"]
        );
    }

    #[test]
    fn claims_are_short_stable_and_distinct() {
        let a = claim("api", "https://api.travel0.com/");
        assert_eq!(a.len(), 8);
        assert_eq!(a, claim("api", "https://api.travel0.com/"));
        assert_ne!(a, claim("role", "https://api.travel0.com/"));
    }
}
