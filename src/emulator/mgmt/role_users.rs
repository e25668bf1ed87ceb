//! `/api/v2/roles/{id}/users`: the users holding a tenant role, and assigning it to more. Shapes as
//! go-auth0 recorded them: `{user_id, email, picture, name}` items in offset or checkpoint pages,
//! 200 `{}` on assignment.

use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::super::errors::MgmtError;
use super::super::model::User;
use super::super::paging::{self, Entry, Params, Shape};
use super::auth::Caller;
use super::body::{self, invalid_on};
use super::roles;

const SHAPE: Shape = Shape {
    checkpoint: true,
    ..Shape::offset("users")
};

fn render(u: &User) -> Value {
    json!({
        "user_id": u.user_id,
        "email": u.email,
        "picture": u.picture.clone().unwrap_or_default(),
        "name": u.name,
    })
}

pub async fn list(
    caller: Caller,
    Path(id): Path<String>,
    Query(params): Query<Params>,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:users", "read:roles", "read:role_members"])?;
    let paging = paging::parse(&params, &SHAPE)?;
    let t = caller.read();
    if !t.roles.contains_key(&id) {
        return Err(roles::role_missing());
    }
    let entries: Vec<_> = t
        .users
        .values()
        .filter(|u| u.roles.contains(&id))
        .map(Entry::of)
        .collect();
    paging::render(&entries, &paging, &SHAPE, render).map(Json)
}

#[derive(Deserialize)]
struct UsersBody {
    users: Vec<String>,
}

/// Adds the role to each user named (existing users only, at least one); 200 with `{}`.
pub async fn assign(
    caller: Caller,
    Path(id): Path<String>,
    raw: Bytes,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["update:roles", "create:role_members"])?;
    let (b, _): (UsersBody, _) = body::parse(&raw, &["users"], &["users"])?;
    if b.users.is_empty() {
        return Err(invalid_on("Array is too short (0), minimum 1", "users"));
    }
    let mut t = caller.write();
    if !t.roles.contains_key(&id) {
        return Err(roles::role_missing());
    }
    if let Some(unknown) = b.users.iter().find(|u| !t.users.contains_key(*u)) {
        return Err(MgmtError::not_found(
            format!("User {unknown} does not exist."),
            Some("inexistent_user"),
        ));
    }
    for user_id in &b.users {
        if let Some(u) = t.users.get_mut(user_id) {
            if !u.roles.contains(&id) {
                u.roles.push(id.clone());
            }
        }
    }
    Ok(Json(json!({})))
}
