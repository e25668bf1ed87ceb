//! Carries a plan out, item by item in its order; ids of what it makes feed the items after it.
//! An error stops the run naming the object and Auth0's message; what was made stays, marked or
//! claimed, so the next run picks up where this one stopped.

use reqwest::Method;
use serde_json::{json, Map, Value};

use super::options::Options;
use super::plan::{Action, Item, Kind, Plan};
use crate::server::auth0::{paths, ApiError, ManagementClient};

#[derive(Debug, thiserror::Error)]
#[error("{object}: {source}")]
pub struct ApplyError {
    pub object: String,
    pub source: ApiError,
}

/// Ids made during the run, for the items that refer to them.
#[derive(Default)]
struct Made {
    management_client: Option<String>,
    login_client: Option<String>,
    onboarding_client: Option<String>,
    support_org: Option<String>,
}

/// Applies every create and update; `done` hears of each as it completes.
pub async fn apply(
    api: &ManagementClient,
    options: &Options,
    plan: &Plan,
    done: &mut dyn FnMut(&Item, &str),
) -> Result<(), ApplyError> {
    let mut made = Made::default();
    for item in &plan.items {
        let id = item.id().map(String::from);
        let fail = |source| ApplyError {
            object: item.label(),
            source,
        };
        let outcome = match &item.action {
            Action::Unchanged | Action::Refused(_) => None,
            Action::Create => Some(create(api, options, item, &made).await.map_err(fail)?),
            Action::Update(fields) => {
                let id = id.clone().unwrap_or_default();
                update(api, item, &id, fields).await.map_err(fail)?;
                Some(id)
            }
        };
        let id = outcome.clone().or(id);
        let enabling = matches!(
            item.kind,
            Kind::ConnectionClient { .. } | Kind::SupportOrgConnection { .. }
        );
        match item.kind {
            Kind::ManagementClient => made.management_client = id,
            Kind::LoginClient => made.login_client = id,
            Kind::OnboardingClient => made.onboarding_client = id,
            Kind::SupportOrg { .. } => made.support_org = id,
            _ => {}
        }
        if let Some(id) = outcome {
            done(
                item,
                &match &item.action {
                    _ if enabling => "enabled".to_string(),
                    Action::Create => format!("created: {id}"),
                    _ => format!("updated: {id}"),
                },
            );
        }
    }
    Ok(())
}

fn body(fields: &Map<String, Value>) -> Value {
    Value::Object(fields.clone())
}

fn created_id(answer: Option<Value>, key: &str) -> Result<String, ApiError> {
    answer
        .as_ref()
        .and_then(|v| v.get(key))
        .and_then(Value::as_str)
        .map(String::from)
        .ok_or_else(|| ApiError::Decode(format!("the answer carries no `{key}`")))
}

/// Nothing sent: an item whose parent does not exist yet (only after an earlier failure).
fn missing(what: &str) -> ApiError {
    ApiError::Decode(format!("{what} was not made; run setup again"))
}

async fn create(
    api: &ManagementClient,
    options: &Options,
    item: &Item,
    made: &Made,
) -> Result<String, ApiError> {
    let fields = &item.desired;
    match &item.kind {
        Kind::ManagementClient | Kind::LoginClient | Kind::OnboardingClient => {
            let answer = api
                .send(Method::POST, paths::CLIENTS, &[], Some(&body(fields)))
                .await?;
            created_id(answer, "client_id")
        }
        Kind::ManagementGrant => {
            let client_id = made
                .management_client
                .as_deref()
                .ok_or_else(|| missing("orgdesk's Management application"))?;
            let mut b = body(fields);
            b["client_id"] = json!(client_id);
            b["audience"] = json!(format!("{}api/v2/", options.issuer()));
            let answer = api
                .send(Method::POST, paths::CLIENT_GRANTS, &[], Some(&b))
                .await?;
            created_id(answer, "id")
        }
        Kind::Role { .. } => {
            let answer = api
                .send(Method::POST, paths::ROLES, &[], Some(&body(fields)))
                .await?;
            created_id(answer, "id")
        }
        Kind::Api { .. } => {
            let answer = api
                .send(
                    Method::POST,
                    paths::RESOURCE_SERVERS,
                    &[],
                    Some(&body(fields)),
                )
                .await?;
            created_id(answer, "id")
        }
        Kind::ConnectionClient { .. } => {
            let login = made
                .login_client
                .as_deref()
                .ok_or_else(|| missing("the sign-in application"))?;
            let connection_id = fields["connection_id"].as_str().unwrap_or_default();
            let mut change = vec![json!({ "client_id": login, "status": true })];
            if options.onboarding {
                let signup = made
                    .onboarding_client
                    .as_deref()
                    .ok_or_else(|| missing("the sign-up application"))?;
                change.push(json!({ "client_id": signup, "status": true }));
            }
            api.send(
                Method::PATCH,
                &paths::connection_clients(connection_id),
                &[],
                Some(&Value::Array(change)),
            )
            .await?;
            Ok(connection_id.to_string())
        }
        Kind::SupportOrg { .. } => {
            let answer = api
                .send(Method::POST, paths::ORGANIZATIONS, &[], Some(&body(fields)))
                .await?;
            created_id(answer, "id")
        }
        Kind::SupportOrgConnection { .. } => {
            let org = made
                .support_org
                .as_deref()
                .ok_or_else(|| missing("the support organization"))?;
            let connection_id = fields["connection_id"].as_str().unwrap_or_default();
            let b = json!({ "connection_id": connection_id, "assign_membership_on_login": false });
            api.send(
                Method::POST,
                &paths::organization_connections(org),
                &[],
                Some(&b),
            )
            .await?;
            Ok(connection_id.to_string())
        }
    }
}

/// Sends only the fields that differ.
async fn update(
    api: &ManagementClient,
    item: &Item,
    id: &str,
    fields: &[String],
) -> Result<(), ApiError> {
    let changed: Map<String, Value> = item
        .desired
        .iter()
        .filter(|(k, _)| fields.contains(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let path = match &item.kind {
        Kind::ManagementClient | Kind::LoginClient | Kind::OnboardingClient => paths::client(id),
        Kind::ManagementGrant => paths::client_grant(id),
        Kind::Role { .. } => paths::role(id),
        Kind::Api { .. } => paths::resource_server(id),
        Kind::SupportOrg { .. } => paths::organization(id),
        // Enabled or not: never an update.
        Kind::ConnectionClient { .. } | Kind::SupportOrgConnection { .. } => return Ok(()),
    };
    api.send(Method::PATCH, &path, &[], Some(&Value::Object(changed)))
        .await?;
    Ok(())
}
