//! `/api/v2/connections` — Auth0 Management API "Connections": list, get, create, update, delete, and
//! the clients a connection is enabled for (`/connections/{id}/clients`, `/clients/{id}/connections`).
//! Answers follow go-auth0's recordings (auth0/go-auth0 v1.45.0): the defaults Auth0 fills into
//! `options` per strategy, `realms` from the name, sorted `enabled_clients`, 202 with `deleted_at`.

use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::super::errors::MgmtError;
use super::super::ids;
use super::super::model::Connection;
use super::super::paging::{self, Entry, Params, Shape};
use super::auth::Caller;
use super::body::{self, invalid, invalid_on};
use super::strategies;
use crate::clock::iso;

/// Every property of Auth0's `CreateConnectionRequestContent`.
const CREATE_FIELDS: &[&str] = &[
    "name",
    "display_name",
    "strategy",
    "options",
    "enabled_clients",
    "is_domain_connection",
    "show_as_button",
    "realms",
    "metadata",
    "authentication",
    "connected_accounts",
    "cross_app_access_requesting_app",
];
/// `UpdateConnectionRequestContent`: the same without `name` and `strategy`, which never change.
const UPDATE_FIELDS: &[&str] = &[
    "display_name",
    "options",
    "enabled_clients",
    "is_domain_connection",
    "show_as_button",
    "realms",
    "metadata",
    "authentication",
    "connected_accounts",
    "cross_app_access_requesting_app",
];
/// What the tenant acts on; the rest is kept and answered back.
const TYPED: &[&str] = &[
    "name",
    "display_name",
    "strategy",
    "options",
    "enabled_clients",
    "is_domain_connection",
    "show_as_button",
    "realms",
];
const SHAPE: Shape = Shape {
    totals_first: true,
    checkpoint: true,
    ..Shape::offset("connections")
};
const NAME_PATTERN: &str = "^[a-zA-Z0-9](-[a-zA-Z0-9]|[a-zA-Z0-9])*$";

pub fn not_found() -> MgmtError {
    MgmtError::not_found(
        "The connection does not exist",
        Some("inexistent_connection"),
    )
}

pub fn render(c: &Connection) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(c.id));
    m.insert("options".into(), Value::Object(c.options.clone()));
    m.insert("strategy".into(), json!(c.strategy));
    m.insert("name".into(), json!(c.name));
    if let Some(url) = &c.provisioning_ticket_url {
        m.insert("provisioning_ticket_url".into(), json!(url));
    }
    m.insert("is_domain_connection".into(), json!(c.is_domain_connection));
    if let Some(button) = c.show_as_button {
        m.insert("show_as_button".into(), json!(button));
    }
    if let Some(d) = &c.display_name {
        m.insert("display_name".into(), json!(d));
    }
    m.extend(c.extra.iter().map(|(k, v)| (k.clone(), v.clone())));
    m.insert("enabled_clients".into(), json!(c.enabled_clients));
    m.insert("realms".into(), json!(c.realms));
    Value::Object(m)
}

/// `fields` as Auth0 applies it to connections: `is_domain_connection` always stays.
fn rendered_with(c: &Connection, filter: &Option<(Vec<String>, bool)>) -> Value {
    let mut out = paging::apply_fields(render(c), filter);
    if let Value::Object(m) = &mut out {
        m.entry("is_domain_connection")
            .or_insert(json!(c.is_domain_connection));
    }
    out
}

#[derive(Deserialize)]
struct ConnectionBody {
    name: Option<String>,
    display_name: Option<String>,
    strategy: Option<String>,
    options: Option<Map<String, Value>>,
    enabled_clients: Option<Vec<String>>,
    is_domain_connection: Option<bool>,
    show_as_button: Option<bool>,
    realms: Option<Vec<String>>,
}

fn valid_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && !name.contains("--")
}

fn validate(b: &ConnectionBody, map: &Map<String, Value>) -> Result<(), MgmtError> {
    if let Some(name) = &b.name {
        body::check_len(name, "name", 1, 128)?;
        if !valid_name(name) {
            return Err(invalid_on(
                format!("String does not match pattern {NAME_PATTERN}: {name}"),
                "name",
            ));
        }
    }
    if let Some(d) = &b.display_name {
        body::check_len(d, "display_name", 0, 128)?;
    }
    if let Some(s) = &b.strategy {
        if !strategies::known(s) {
            return Err(invalid_on(
                format!("No enum match for: \"{s}\""),
                "strategy",
            ));
        }
    }
    if let Some(md) = map.get("metadata").and_then(Value::as_object) {
        if md.len() > 10 {
            return Err(invalid_on("Too many properties, maximum 10", "metadata"));
        }
        if let Some((k, _)) = md
            .iter()
            .find(|(_, v)| v.as_str().is_none_or(|s| s.len() > 255))
        {
            return Err(invalid_on(
                "Expected type string (max 255 chars)",
                &format!("metadata.{k}"),
            ));
        }
    }
    Ok(())
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids.dedup();
    ids
}

pub async fn list(caller: Caller, Query(params): Query<Params>) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:connections"])?;
    let paging = paging::parse(&params, &SHAPE)?;
    let filter = params.field_filter()?;
    let wanted: Vec<&str> = params.all("strategy");
    if let Some(bad) = wanted.iter().find(|s| !strategies::known(s)) {
        return Err(MgmtError::invalid_query(format!(
            "No enum match for: \"{bad}\" on property strategy."
        )));
    }
    let name = params.get("name");
    let t = caller.read();
    let entries: Vec<_> = t
        .connections
        .values()
        .filter(|c| wanted.is_empty() || wanted.contains(&c.strategy.as_str()))
        .filter(|c| name.is_none_or(|n| c.name == n))
        .map(Entry::of)
        .collect();
    paging::render(&entries, &paging, &SHAPE, |c| rendered_with(c, &filter)).map(Json)
}

pub async fn get(
    caller: Caller,
    Path(id): Path<String>,
    Query(params): Query<Params>,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:connections"])?;
    let filter = params.field_filter()?;
    let t = caller.read();
    let c = t.connections.get(&id).ok_or_else(not_found)?;
    Ok(Json(rendered_with(c, &filter)))
}

pub async fn create(caller: Caller, raw: Bytes) -> Result<Response, MgmtError> {
    caller.require(&["create:connections"])?;
    let (b, map): (ConnectionBody, _) = body::parse(&raw, CREATE_FIELDS, &["name", "strategy"])?;
    validate(&b, &map)?;
    let (name, strategy) = (b.name.unwrap_or_default(), b.strategy.unwrap_or_default());
    let mut t = caller.write();
    if t.connections.values().any(|c| c.name == name) {
        return Err(MgmtError::conflict(
            "A connection with the same name already exists",
            Some("connection_conflict"),
        ));
    }
    let fill = strategies::defaults(&strategy, &name, caller.issuer());
    let mut options = b.options.unwrap_or_default();
    strategies::fill(&strategy, &mut options, &fill.created);
    let realms = b.realms.filter(|r| !r.is_empty());
    let c = Connection {
        id: ids::connection(),
        display_name: b.display_name.or(fill.display_name),
        options,
        enabled_clients: sorted(b.enabled_clients.unwrap_or_default()),
        realms: realms.unwrap_or_else(|| vec![name.clone()]),
        is_domain_connection: b.is_domain_connection.unwrap_or(false),
        show_as_button: fill.show_as_button.map(|d| b.show_as_button.unwrap_or(d)),
        provisioning_ticket_url: fill.provisioning_ticket_url,
        created_at: caller.now_ms(),
        extra: body::untyped(&map, TYPED),
        name,
        strategy,
    };
    let out = render(&c);
    t.connections.insert(c.id.clone(), c);
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

/// `options`, when given, replaces the whole object (Auth0's documented rule); the defaults Auth0
/// keeps on every save are filled in again.
pub async fn update(
    caller: Caller,
    Path(id): Path<String>,
    raw: Bytes,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["update:connections"])?;
    let (b, map): (ConnectionBody, _) = body::parse_patch(&raw, UPDATE_FIELDS)?;
    validate(&b, &map)?;
    let issuer = caller.issuer().to_string();
    let mut t = caller.write();
    let c = t.connections.get_mut(&id).ok_or_else(not_found)?;
    if let Some(mut options) = b.options {
        let fill = strategies::defaults(&c.strategy, &c.name, &issuer);
        strategies::fill(&c.strategy, &mut options, &fill.updated);
        c.options = options;
    }
    if map.contains_key("display_name") {
        c.display_name = b.display_name;
    }
    if let Some(clients) = b.enabled_clients {
        c.enabled_clients = sorted(clients);
    }
    if let Some(realms) = b.realms {
        c.realms = if realms.is_empty() {
            vec![c.name.clone()]
        } else {
            realms
        };
    }
    if let Some(d) = b.is_domain_connection {
        c.is_domain_connection = d;
    }
    if let (Some(button), Some(_)) = (b.show_as_button, c.show_as_button) {
        c.show_as_button = Some(button);
    }
    c.extra.extend(body::untyped(&map, TYPED));
    Ok(Json(render(c)))
}

/// 202 with `deleted_at` when it existed, 204 when it did not (recorded). Its users go with it, and
/// so do the organizations' use of it.
pub async fn delete(caller: Caller, Path(id): Path<String>) -> Result<Response, MgmtError> {
    caller.require(&["delete:connections"])?;
    let now = caller.now_ms();
    let mut t = caller.write();
    let Some(gone) = t.connections.shift_remove(&id) else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    for enabled in t.org_connections.values_mut() {
        enabled.shift_remove(&id);
    }
    t.users.retain(|_, u| u.connection != gone.name);
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "deleted_at": iso(now) })),
    )
        .into_response())
}

/// Checkpoint paging over a connection's enabled clients: `{clients: [{client_id}], next?}`.
pub async fn clients(
    caller: Caller,
    Path(id): Path<String>,
    Query(params): Query<Params>,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:connections"])?;
    let take = params.int("take", 1, 100)?.unwrap_or(50) as usize;
    let t = caller.read();
    let c = t.connections.get(&id).ok_or_else(not_found)?;
    let begin = match params.get("from") {
        None | Some("") => 0,
        Some(from) => c
            .enabled_clients
            .iter()
            .position(|x| x == from)
            .unwrap_or(c.enabled_clients.len()),
    };
    let page: Vec<Value> = c
        .enabled_clients
        .iter()
        .skip(begin)
        .take(take)
        .map(|id| json!({ "client_id": id }))
        .collect();
    let mut out = Map::new();
    if let Some(next) = c.enabled_clients.get(begin + take) {
        out.insert("next".into(), json!(next));
    }
    out.insert("clients".into(), Value::Array(page));
    Ok(Json(Value::Object(out)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientStatus {
    client_id: String,
    status: bool,
}

/// `PATCH /connections/{id}/clients`: up to 50 `{client_id, status}` changes, 204.
pub async fn update_clients(
    caller: Caller,
    Path(id): Path<String>,
    raw: Bytes,
) -> Result<StatusCode, MgmtError> {
    caller.require(&["update:connections"])?;
    let changes: Vec<ClientStatus> = serde_json::from_slice(&raw).map_err(|e| {
        let text = e.to_string();
        invalid(text.split(" at line").next().unwrap_or(&text))
    })?;
    if changes.len() > 50 {
        return Err(invalid("Array is too long (more than 50), maximum 50"));
    }
    let mut t = caller.write();
    if let Some(unknown) = changes
        .iter()
        .find(|s| !t.clients.contains_key(&s.client_id))
    {
        return Err(MgmtError::not_found(
            format!("The client {} does not exist", unknown.client_id),
            Some("inexistent_client"),
        ));
    }
    let c = t.connections.get_mut(&id).ok_or_else(not_found)?;
    for change in changes {
        c.enabled_clients.retain(|x| *x != change.client_id);
        if change.status {
            c.enabled_clients.push(change.client_id);
        }
    }
    c.enabled_clients.sort();
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /clients/{id}/connections`: checkpoint paging only, `{connections, next?}`.
pub async fn of_client(
    caller: Caller,
    Path(id): Path<String>,
    Query(params): Query<Params>,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:connections"])?;
    let take = params.int("take", 1, 100)?.unwrap_or(50) as usize;
    let filter = params.field_filter()?;
    let wanted: Vec<&str> = params.all("strategy");
    let t = caller.read();
    if !t.clients.contains_key(&id) {
        return Err(MgmtError::not_found(
            "The client does not exist",
            Some("inexistent_client"),
        ));
    }
    let mine: Vec<&Connection> = t
        .connections
        .values()
        .filter(|c| c.enabled_clients.contains(&id))
        .filter(|c| wanted.is_empty() || wanted.contains(&c.strategy.as_str()))
        .collect();
    let begin = match params.get("from") {
        None | Some("") => 0,
        Some(from) => mine.iter().position(|c| c.id == from).unwrap_or(mine.len()),
    };
    let mut out = Map::new();
    let page: Vec<Value> = mine
        .iter()
        .skip(begin)
        .take(take)
        .map(|c| {
            let mut one = rendered_with(c, &filter);
            // A client's own list leaves out whom else the connection serves (recorded:
            // TestClientManager_ReadEnabledConnections #4).
            if let Value::Object(m) = &mut one {
                m.remove("enabled_clients");
            }
            one
        })
        .collect();
    out.insert("connections".into(), Value::Array(page));
    if let Some(next) = mine.get(begin + take) {
        out.insert("next".into(), json!(next.id));
    }
    Ok(Json(Value::Object(out)))
}
