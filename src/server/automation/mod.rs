//! The automation API (`/api/v1`): what the desk does, for portals, pipelines and the vendor's back
//! office. Callers are machines presenting an Auth0 access token for orgdesk's own API, issued with
//! the Client Credentials flow for one organization (`caller`); every operation goes through the
//! desk's own policy and services. No cookies and no sessions: its own router, outside the desk's
//! session, CSRF and page layers. The OpenAPI 3.1 document is generated from the handlers and types
//! below (utoipa) and served at `/api/v1/openapi.json`.

pub mod apps;
pub mod audit;
pub mod bots;
pub mod caller;
pub mod extract;
pub mod governance;
pub mod idempotency;
pub mod members;
pub mod problem;
pub mod reference;
pub mod scopes;
pub mod token;
pub mod wire;

use std::collections::BTreeMap;
use std::sync::LazyLock;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, RefOr, ResponseBuilder};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::server::state::AppState;
use problem::Problem;

pub const PREFIX: &str = "/api/v1";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "orgdesk automation API",
        version = "1.0.0",
        description = "What an organization's admins do in orgdesk, for machines. Ask Auth0 for an access token for orgdesk's API with the Client Credentials flow and `organization=<org_id>`; every path names that organization. Errors are RFC 9457 problem documents.",
    ),
    servers((url = "/api/v1")),
    components(schemas(problem::Document)),
    modifiers(&Security),
    tags(
        (name = "Bots", description = "Machine-to-machine clients the organization owns, and their API access"),
        (name = "Members", description = "Members, roles and invitations"),
        (name = "Audit log", description = "Everything done in the organization"),
        (name = "Governance", description = "Credential policy, access requests and access reviews"),
        (name = "Apps", description = "Third-party apps: publish a bot for other organizations, install theirs"),
    ),
)]
struct Doc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let mut bearer = Http::new(HttpAuthScheme::Bearer);
        bearer.bearer_format = Some("JWT".into());
        bearer.description = Some(
            "An Auth0 access token for orgdesk's API (client credentials, with `organization`)."
                .into(),
        );
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("bearer", SecurityScheme::Http(bearer));
    }
}

/// The refusals every operation may answer, each a problem document.
pub struct Errors;

impl utoipa::IntoResponses for Errors {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::response::Response>> {
        let problem = |description: &str| {
            let content = ContentBuilder::new()
                .schema(Some(utoipa::openapi::Ref::from_schema_name("Problem")))
                .build();
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content("application/problem+json", content)
                    .build(),
            )
        };
        [
            ("400", "The request is not as documented, or breaks a rule (`field` names the input)"),
            ("401", "No valid token: missing, malformed, expired, foreign-signed, for another API, naming no organization; or a sensitive change wants a newer token"),
            ("403", "The token lacks the operation's scope, or the caller may not do this"),
            ("404", "Not there, or not the token's organization's (the same answer)"),
            ("409", "It collides with the organization's state, or the same Idempotency-Key is still under way"),
            ("413", "The body is larger than 16 KiB"),
            ("415", "The body is not JSON"),
            ("422", "The Idempotency-Key was used for another request"),
            ("429", "This caller's rate limit (Retry-After says when to try again)"),
            ("500", "A failure on orgdesk's side (quote the request id)"),
            ("503", "Auth0 was unavailable or its rate limit was taken up; nothing was left half-done"),
        ]
        .into_iter()
        .map(|(status, description)| (status.to_string(), problem(description)))
        .collect()
    }
}

/// The routes and the document they describe, split once per process.
fn parts() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(Doc::openapi())
        .routes(routes!(bots::list, bots::register))
        .routes(routes!(bots::get, bots::rename, bots::delete))
        .routes(routes!(bots::rotate))
        .routes(routes!(bots::set_access, bots::revoke))
        .routes(routes!(bots::keys, bots::add_key))
        .routes(routes!(bots::remove_key))
        .routes(routes!(members::list))
        .routes(routes!(members::give_role, members::take_role))
        .routes(routes!(members::remove))
        .routes(routes!(members::invitations, members::invite))
        .routes(routes!(members::revoke_invitation))
        .routes(routes!(audit::page))
        .routes(routes!(audit::csv))
        .routes(routes!(governance::policy))
        .routes(routes!(governance::requests))
        .routes(routes!(governance::reviews))
        .routes(routes!(apps::list, apps::publish))
        .routes(routes!(apps::unpublish))
        .routes(routes!(apps::install))
        .routes(routes!(apps::uninstall))
        .split_for_parts()
}

/// The OpenAPI document, as served.
pub static DOCUMENT: LazyLock<String> =
    LazyLock::new(|| parts().1.to_pretty_json().unwrap_or_default());

async fn openapi_json() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
        ],
        DOCUMENT.as_str(),
    )
        .into_response()
}

async fn not_found(request: axum::extract::Request) -> Problem {
    refused(
        &request,
        StatusCode::NOT_FOUND,
        "not-found",
        "There is no such operation",
    )
}

async fn wrong_method(request: axum::extract::Request) -> Problem {
    let what = "This path does not take that method";
    refused(
        &request,
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        what,
    )
}

fn refused(
    request: &axum::extract::Request,
    status: StatusCode,
    code: &str,
    what: &str,
) -> Problem {
    let rid = crate::server::http::web::request_id_of(request.headers());
    Problem::new(status, code, format!("{what}; see /api/v1/openapi.json."))
        .with_request_id(rid.as_deref())
}

/// The API's router, to nest at `PREFIX` (outside the desk's session and CSRF layers).
pub fn router() -> Router<AppState> {
    parts()
        .0
        .route("/openapi.json", get(openapi_json))
        .method_not_allowed_fallback(wrong_method)
        .fallback(not_found)
        .layer(axum::extract::DefaultBodyLimit::max(extract::MAX_BODY))
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    #[test]
    fn the_document_is_openapi_3_1_and_every_operation_names_its_scope_and_refusals() {
        let doc: Value = serde_json::from_str(&super::DOCUMENT).unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        assert!(doc["components"]["schemas"]["Problem"].is_object());
        assert_eq!(
            doc["components"]["securitySchemes"]["bearer"]["scheme"],
            "bearer"
        );
        let mut count = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            assert!(path.starts_with("/organizations/{org_id}/"), "{path}");
            for (method, op) in item.as_object().unwrap() {
                count += 1;
                let scope = op["security"][0]["bearer"][0].as_str().unwrap();
                assert!(
                    super::scopes::ALL.contains(&scope),
                    "{method} {path}: {scope}"
                );
                for status in ["400", "401", "403", "404", "429", "503"] {
                    let content = &op["responses"][status]["content"]["application/problem+json"];
                    assert!(content.is_object(), "{method} {path} documents {status}");
                }
                if method == "post" && !path.ends_with("rotate-secret") {
                    let params = op["parameters"].as_array().unwrap();
                    assert!(
                        params
                            .iter()
                            .any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header"),
                        "{method} {path}: a create takes an Idempotency-Key"
                    );
                }
            }
        }
        assert!(count >= 18, "{count}");
    }
}
