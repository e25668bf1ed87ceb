//! The API's reference page (`/developers/api`), rendered from the same generated document that
//! `/api/v1/openapi.json` serves, so the page cannot tell of an operation that is not there.

use axum::response::Html;
use serde_json::Value;

use crate::html::escape;

const METHODS: &[&str] = &["get", "put", "post", "patch", "delete"];

/// What a vendor's developer reads: how to get a token, then each operation by tag.
pub fn page(document: &str, audience: Option<&str>) -> String {
    let doc: Value = serde_json::from_str(document).unwrap_or_default();
    let mut out = String::new();
    out.push_str(&intro(audience));
    let tags = doc["tags"].as_array().cloned().unwrap_or_default();
    for tag in &tags {
        let name = tag["name"].as_str().unwrap_or_default();
        out.push_str(&format!(
            "<section><h2 id=\"{}\">{}</h2><p>{}</p>",
            anchor(name),
            escape(name),
            escape(tag["description"].as_str().unwrap_or_default())
        ));
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for method in METHODS {
                let op = &item[*method];
                if op.is_null()
                    || !op["tags"]
                        .as_array()
                        .is_some_and(|t| t.iter().any(|t| t == name))
                {
                    continue;
                }
                out.push_str(&operation(method, path, op));
            }
        }
        out.push_str("</section>");
    }
    out.push_str(&problems(&doc));
    out
}

fn anchor(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

fn intro(audience: Option<&str>) -> String {
    let audience = escape(audience.unwrap_or("(not configured: set ORGDESK_API_AUDIENCE)"));
    format!(
        "<h1>orgdesk automation API</h1>\
<p>Everything an organization's admins do in orgdesk, for machines: a portal registering apps for its \
customers, a pipeline rotating its bot's secret, a back office reviewing grants. The machine-readable \
document is <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a> (OpenAPI 3.1).</p>\
<h2 id=\"tokens\">Tokens</h2>\
<p>An admin registers an automation bot in the desk and grants it orgdesk's API \
(<code>{audience}</code>) with the scopes it needs. The bot asks Auth0 for a token with the Client \
Credentials flow, naming its organization:</p>\
<pre tabindex=\"0\"><code>curl -s https://YOUR_TENANT/oauth/token -d grant_type=client_credentials \\\n  -d client_id=$CLIENT_ID -d client_secret=$CLIENT_SECRET \\\n  -d audience={audience} -d organization=$ORG_ID</code></pre>\
<p>Every call sends it as <code>Authorization: Bearer &lt;token&gt;</code>, and every path names the \
token's organization. Another organization's path answers 404. A sensitive change (a new secret, access \
granted or widened, an admin made) wants a token issued in the last minutes: ask for a new one when it \
answers 401 with <code>insufficient_user_authentication</code>. Creates take an \
<code>Idempotency-Key</code> header; sending the same key again replays the first answer (without any \
secret) and changes nothing.</p>"
    )
}

fn operation(method: &str, path: &str, op: &Value) -> String {
    let scopes: Vec<String> = op["security"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["bearer"].as_array().cloned().unwrap_or_default())
        .filter_map(|s| s.as_str().map(|s| format!("<code>{}</code>", escape(s))))
        .collect();
    let params: Vec<String> = op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            format!(
                "<li><code>{}</code> ({}){}{}</li>",
                escape(p["name"].as_str().unwrap_or_default()),
                escape(p["in"].as_str().unwrap_or_default()),
                if p["required"] == true {
                    ", required"
                } else {
                    ""
                },
                p["description"]
                    .as_str()
                    .map(|d| format!(": {}", escape(d)))
                    .unwrap_or_default()
            )
        })
        .collect();
    let body = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        .as_str()
        .and_then(|r| r.rsplit('/').next())
        .map(|name| format!("<p>Body: <code>{}</code> (JSON)</p>", escape(name)))
        .unwrap_or_default();
    let answers: Vec<String> = op["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(status, _)| status.starts_with('2'))
        .map(|(status, r)| {
            format!(
                "<code>{}</code> {}",
                escape(status),
                escape(r["description"].as_str().unwrap_or_default())
            )
        })
        .collect();
    format!(
        "<article class=\"card\"><h3 id=\"{id}\"><code>{m} {p}</code></h3><p>{summary}</p>\
<p>Scope: {scopes}</p>{params}{body}<p>Answers: {answers}; or a problem document.</p></article>",
        id = escape(op["operationId"].as_str().unwrap_or_default()),
        m = method.to_ascii_uppercase(),
        p = escape(&format!("/api/v1{path}")),
        summary = escape(
            op["summary"]
                .as_str()
                .or(op["description"].as_str())
                .unwrap_or_default()
        ),
        scopes = if scopes.is_empty() {
            "none".into()
        } else {
            scopes.join(", ")
        },
        params = if params.is_empty() {
            String::new()
        } else {
            format!("<ul>{}</ul>", params.join(""))
        },
        answers = answers.join(", "),
    )
}

/// Each problem type the API answers with, under the anchor its `type` names.
fn problems(_doc: &Value) -> String {
    let rows: String = super::problem::KINDS
        .iter()
        .map(|(code, status, meaning)| {
            format!(
                "<tr id=\"problem-{code}\"><td><code>{code}</code></td><td>{status}</td><td>{}</td></tr>",
                escape(meaning)
            )
        })
        .collect();
    format!(
        "<section><h2 id=\"problems\">Problems</h2><p>Every refusal is an RFC 9457 problem document \
(<code>application/problem+json</code>) with <code>type</code>, <code>title</code>, <code>status</code>, \
<code>detail</code> and the <code>request_id</code> to quote.</p>\
<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"Problem types\"><table class=\"table\"><thead><tr><th>type</th><th>status</th><th>meaning</th></tr></thead><tbody>{rows}</tbody></table></div></section>"
    )
}

/// `GET /developers/api`.
pub async fn serve(
    axum::extract::State(state): axum::extract::State<crate::server::state::AppState>,
) -> Html<String> {
    let audience = state.config.identity.api_audience.as_deref();
    Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>Automation API · orgdesk</title><link rel=\"stylesheet\" href=\"/pkg/orgdesk.css\"></head><body>\
<main class=\"container main reference\" id=\"main\" data-ready=\"true\">{}<p><a href=\"/\">Back to orgdesk</a></p></main></body></html>",
        page(&super::DOCUMENT, audience)
    ))
}
