//! Every Management API request is checked against Auth0's own OpenAPI document before a handler
//! sees it, as Auth0 checks its requests: path parameters, query parameters (read as the types the
//! document gives them) and JSON bodies, with Auth0's validation messages ("Payload validation
//! error: '…' on property x."). Handlers keep the rules a schema cannot say. Only a caller who is
//! authenticated and holds one of the operation's scopes is validated, so that 401 and 403 come
//! first, as they do at Auth0.
//!
//! The document is `openapi.json` beside this file: Auth0's Management API document cut down to the
//! operations the tenant implements (scripts/trim-oas.py).

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use axum::body::{to_bytes, Body};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::Validator;
use serde_json::{json, Value};

use super::super::errors::MgmtError;
use super::super::Emulator;
use super::auth::Caller;

// The unit tests below read it whole, so a broken document fails the build's tests, not a request.
static DOC: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(include_str!("openapi.json")).unwrap_or_else(|err| {
        tracing::error!(error = %err, "local tenant: the bundled OpenAPI document does not parse");
        Value::Null
    })
});

/// Larger bodies are refused before validation (Auth0 answers 413 too).
const MAX_BODY: usize = 1 << 20;

/// The document's path template for a request path under `/api/v2`: the one with the most literal
/// segments wins (`/organizations/name/{name}` over `/organizations/{id}`).
pub fn template(path: &str) -> Option<&'static str> {
    let got: Vec<&str> = path.strip_prefix("/api/v2")?.split('/').collect();
    DOC["paths"]
        .as_object()?
        .keys()
        .filter(|t| {
            let want: Vec<&str> = t.split('/').collect();
            want.len() == got.len()
                && want
                    .iter()
                    .zip(&got)
                    .all(|(w, g)| w.starts_with('{') || w == g)
        })
        .max_by_key(|t| t.split('/').filter(|s| !s.starts_with('{')).count())
        .map(String::as_str)
}

pub fn operation(template: &str, method: &Method) -> Option<&'static Value> {
    let op = &DOC["paths"][template][method.as_str().to_ascii_lowercase()];
    op.is_object().then_some(op)
}

/// A validator for one schema of the document, its `$ref`s resolved against the document.
fn compiled(schema: &Value) -> Option<Arc<Validator>> {
    type Cache = Mutex<HashMap<String, Arc<Validator>>>;
    static CACHE: LazyLock<Cache> = LazyLock::new(Default::default);
    let key = schema.to_string();
    if let Some(v) = CACHE.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
        return Some(v.clone());
    }
    let mut root = schema.clone();
    if let Value::Object(m) = &mut root {
        m.insert("components".into(), DOC["components"].clone());
    }
    let built = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&root)
        .map_err(|err| tracing::error!(error = %err, "local tenant: a schema does not compile"))
        .ok()
        .map(Arc::new)?;
    CACHE
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(key, built.clone());
    Some(built)
}

/// The words Auth0's validator uses for the first thing wrong with `value`, and where.
fn first_error(schema: &Value, value: &Value) -> Option<(String, String)> {
    let validator = compiled(schema)?;
    let error = validator.iter_errors(value).next()?;
    let at = error
        .instance_path()
        .as_str()
        .trim_start_matches('/')
        .replace('/', ".");
    let found = kind(error.instance());
    let words = match error.kind() {
        ValidationErrorKind::Type { kind } => {
            let want = match kind {
                TypeKind::Single(t) => t.to_string(),
                TypeKind::Multiple(ts) => ts
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
            };
            format!("Expected type {want} but found type {found}")
        }
        ValidationErrorKind::Required { property } => {
            format!(
                "Missing required property: {}",
                property.as_str().unwrap_or_default()
            )
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            format!(
                "Additional properties not allowed: {}",
                unexpected.join(",")
            )
        }
        ValidationErrorKind::Enum { .. } => format!("No enum match for: {}", error.instance()),
        ValidationErrorKind::MinLength { limit } => format!(
            "String is too short ({} chars), minimum {limit}",
            chars(error.instance())
        ),
        ValidationErrorKind::MaxLength { limit } => format!(
            "String is too long ({} chars), maximum {limit}",
            chars(error.instance())
        ),
        ValidationErrorKind::Minimum { limit } => {
            format!("Value {} is less than minimum {limit}", error.instance())
        }
        ValidationErrorKind::Maximum { limit } => {
            format!("Value {} is greater than maximum {limit}", error.instance())
        }
        ValidationErrorKind::MinItems { limit } => format!(
            "Array is too short ({}), minimum {limit}",
            len(error.instance())
        ),
        ValidationErrorKind::MaxItems { limit } => format!(
            "Array is too long ({}), maximum {limit}",
            len(error.instance())
        ),
        ValidationErrorKind::MinProperties { limit } => format!(
            "Too few properties defined ({}), minimum {limit}",
            len(error.instance())
        ),
        ValidationErrorKind::Pattern { pattern } => format!(
            "String does not match pattern {pattern}: {}",
            error.instance().as_str().unwrap_or_default()
        ),
        ValidationErrorKind::Format { format } => format!(
            "Object didn't pass validation for format {format}: {}",
            error.instance().as_str().unwrap_or_default()
        ),
        _ => "Data does not match any schemas from 'anyOf'".to_string(),
    };
    Some((words, at))
}

/// A JSON value's type as Auth0's validator names it.
pub fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn chars(v: &Value) -> usize {
    v.as_str().map_or(0, |s| s.chars().count())
}

fn len(v: &Value) -> usize {
    match v {
        Value::Array(a) => a.len(),
        Value::Object(m) => m.len(),
        _ => 0,
    }
}

/// A query value as the type its schema names; left a string when it does not read as one, so
/// that the schema reports the wrong type.
fn typed(raw: &str, schema: &Value) -> Value {
    let target = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => &DOC["components"]["schemas"][r.rsplit('/').next().unwrap_or_default()],
        None => schema,
    };
    match target["type"].as_str() {
        Some("integer") => raw.parse::<i64>().map_or_else(|_| json!(raw), |n| json!(n)),
        Some("number") => raw.parse::<f64>().map_or_else(|_| json!(raw), |n| json!(n)),
        Some("boolean") => match raw {
            "true" => json!(true),
            "false" => json!(false),
            _ => json!(raw),
        },
        _ => json!(raw),
    }
}

fn parameters(template: &str, op: &'static Value) -> Vec<&'static Value> {
    let shared = DOC["paths"][template]["parameters"].as_array();
    let own = op["parameters"].as_array();
    shared.into_iter().chain(own).flatten().collect()
}

fn check_path(template: &str, path: &str, params: &[&Value]) -> Result<(), MgmtError> {
    let got: Vec<&str> = path.trim_start_matches("/api/v2").split('/').collect();
    for (want, raw) in template.split('/').zip(got) {
        let Some(name) = want.strip_prefix('{').and_then(|w| w.strip_suffix('}')) else {
            continue;
        };
        let Some(param) = params
            .iter()
            .find(|p| p["in"] == "path" && p["name"] == name)
        else {
            continue;
        };
        let value = json!(percent_decode(raw));
        if let Some((words, _)) = first_error(&param["schema"], &value) {
            return Err(MgmtError::new(
                StatusCode::BAD_REQUEST,
                format!("Path validation error: '{words}' on property {name}."),
                Some("invalid_uri"),
            ));
        }
    }
    Ok(())
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("v={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn check_query(query: Option<&str>, params: &[&Value]) -> Result<(), MgmtError> {
    let mut given: HashMap<String, Vec<String>> = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        given
            .entry(k.into_owned())
            .or_default()
            .push(v.into_owned());
    }
    for param in params.iter().filter(|p| p["in"] == "query") {
        let name = param["name"].as_str().unwrap_or_default();
        let Some(values) = given.get(name) else {
            continue;
        };
        let schema = &param["schema"];
        let value = if schema["type"] == "array" {
            Value::Array(values.iter().map(|v| typed(v, &schema["items"])).collect())
        } else if values.len() > 1 {
            Value::Array(values.iter().map(|v| json!(v)).collect())
        } else {
            typed(&values[0], schema)
        };
        if let Some((words, _)) = first_error(schema, &value) {
            return Err(MgmtError::invalid_query(format!(
                "'{words}' on property {name}."
            )));
        }
    }
    Ok(())
}

fn check_body(op: &Value, body: &[u8]) -> Result<(), MgmtError> {
    let schema = &op["requestBody"]["content"]["application/json"]["schema"];
    if schema.is_null() || body.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    // Malformed JSON is the handler's to refuse, in its own words.
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Ok(());
    };
    match first_error(schema, &value) {
        None => Ok(()),
        Some((words, at)) if at.is_empty() => Err(MgmtError::bad_request(format!(
            "Payload validation error: '{words}'."
        ))),
        Some((words, at)) => Err(MgmtError::bad_request(format!(
            "Payload validation error: '{words}' on property {at}."
        ))),
    }
}

/// Whether the caller may be told about its input: authenticated, with one of the scopes the
/// document names for the operation.
async fn entitled(parts: &mut axum::http::request::Parts, e: &Arc<Emulator>, op: &Value) -> bool {
    let Ok(caller) = Caller::from_request_parts(parts, e).await else {
        return false;
    };
    let scopes: Vec<&str> = op["security"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["oAuth2ClientCredentials"].as_array())
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    scopes.is_empty() || scopes.iter().any(|s| caller.has(s))
}

pub async fn check(State(e): State<Arc<Emulator>>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let Some((template, op)) =
        template(&path).and_then(|t| Some((t, operation(t, request.method())?)))
    else {
        return next.run(request).await;
    };
    let (mut parts, body) = request.into_parts();
    let Ok(sent) = to_bytes(body, MAX_BODY).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    if entitled(&mut parts, &e, op).await {
        let params = parameters(template, op);
        let verdict = check_path(template, &path, &params)
            .and_then(|()| check_query(parts.uri.query(), &params))
            .and_then(|()| check_body(op, &sent));
        if let Err(err) = verdict {
            return err.into_response();
        }
    }
    next.run(Request::from_parts(parts, Body::from(sent))).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(t: &str, m: Method) -> &'static Value {
        operation(t, &m).unwrap()
    }

    #[test]
    fn every_schema_of_the_document_compiles() {
        let ops = DOC["paths"].as_object().unwrap();
        assert!(ops.len() > 30, "the bundled document parses");
        for (t, item) in ops {
            for (m, op) in item.as_object().unwrap() {
                if let Some(schema) = op["requestBody"]["content"]["application/json"].get("schema")
                {
                    assert!(compiled(schema).is_some(), "{m} {t}");
                }
            }
        }
    }

    #[test]
    fn literal_segments_pick_the_template() {
        assert_eq!(
            template("/api/v2/organizations/name/acme"),
            Some("/organizations/name/{name}")
        );
        assert_eq!(
            template("/api/v2/organizations/org_1"),
            Some("/organizations/{id}")
        );
        assert_eq!(template("/api/v2/nothing/here"), None);
    }

    #[test]
    fn bodies_get_auth0s_words() {
        let create = op("/clients", Method::POST);
        let err = check_body(create, br#"{"name": "x", "web_origins": null}"#).unwrap_err();
        assert_eq!(
            err.message,
            "Payload validation error: 'Expected type array but found type null' on property web_origins."
        );
        let err = check_body(create, br#"{}"#).unwrap_err();
        assert_eq!(
            err.message,
            "Payload validation error: 'Missing required property: name'."
        );
        assert!(check_body(create, br#"{"name": "bot", "app_type": "non_interactive"}"#).is_ok());
        assert!(
            check_body(create, b"not json").is_ok(),
            "left to the handler"
        );
    }

    #[test]
    fn query_values_are_read_as_their_types() {
        let t = "/organizations";
        let list = op(t, Method::GET);
        let params = parameters(t, list);
        assert!(check_query(Some("page=0&per_page=50&include_totals=true"), &params).is_ok());
        let err = check_query(Some("per_page=many"), &params).unwrap_err();
        assert_eq!(
            err.message,
            "Query validation error: 'Expected type integer but found type string' on property per_page."
        );
        let err = check_query(Some("include_totals=null"), &params).unwrap_err();
        assert!(
            err.message.contains("on property include_totals"),
            "{}",
            err.message
        );
        let err = check_query(Some("per_page=101"), &params).unwrap_err();
        assert!(
            err.message.contains("greater than maximum 100"),
            "{}",
            err.message
        );
    }

    #[test]
    fn path_values_are_checked() {
        let t = "/organizations/{id}";
        let delete = op(t, Method::DELETE);
        let params = parameters(t, delete);
        let long = format!("/organizations/{}", "0".repeat(51));
        let err = check_path(t, &long, &params).unwrap_err();
        assert_eq!(
            err.message,
            "Path validation error: 'String is too long (51 chars), maximum 50' on property id."
        );
        assert!(check_path(t, "/organizations/org_abc", &params).is_ok());
    }
}
