//! Request bodies: JSON objects checked against the fields an endpoint accepts, with Auth0's
//! `Payload validation error: ...` messages (`invalid_body`).

use std::collections::BTreeMap;

use axum::body::Bytes;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::super::errors::MgmtError;

/// The documented properties a body sets that the tenant keeps without acting on: its keys not in
/// `typed`.
pub fn untyped(map: &Map<String, Value>, typed: &[&str]) -> BTreeMap<String, Value> {
    map.iter()
        .filter(|(k, v)| !typed.contains(&k.as_str()) && !v.is_null())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// An update's untyped properties over those kept: `null` unsets one, so that it is left out of
/// the answer again (Auth0's answers never carry a null where its schema says boolean or object).
pub fn keep(kept: &mut BTreeMap<String, Value>, map: &Map<String, Value>, typed: &[&str]) {
    for (k, v) in map.iter().filter(|(k, _)| !typed.contains(&k.as_str())) {
        if v.is_null() {
            kept.remove(k);
        } else {
            kept.insert(k.clone(), v.clone());
        }
    }
}

/// Kept properties answered back over `answer`. An object Auth0 fills with defaults
/// (`jwt_configuration`, `subject_type_authorization`) keeps them under what was set.
pub fn answer_back(answer: &mut Value, kept: &BTreeMap<String, Value>) {
    let Value::Object(out) = answer else { return };
    for (k, set) in kept {
        match (out.get_mut(k), set) {
            (Some(Value::Object(defaults)), Value::Object(set)) => {
                defaults.extend(set.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            _ => {
                out.insert(k.clone(), set.clone());
            }
        }
    }
}

pub fn invalid(reason: impl AsRef<str>) -> MgmtError {
    MgmtError::bad_request(format!("Payload validation error: '{}'.", reason.as_ref()))
}

pub fn invalid_on(reason: impl AsRef<str>, property: &str) -> MgmtError {
    MgmtError::bad_request(format!(
        "Payload validation error: '{}' on property {property}.",
        reason.as_ref()
    ))
}

/// Parses a JSON object that may only hold `allowed` keys, and reads it into `T`.
pub fn parse<T: DeserializeOwned>(
    bytes: &Bytes,
    allowed: &[&str],
    required: &[&str],
) -> Result<(T, Map<String, Value>), MgmtError> {
    let value: Value = if bytes.is_empty() {
        Value::Object(Map::new())
    } else {
        serde_json::from_slice(bytes).map_err(|_| invalid("Invalid JSON body"))?
    };
    let Value::Object(map) = value else {
        return Err(invalid("Expected type object but found type array"));
    };
    if let Some(extra) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(invalid(format!(
            "Additional properties not allowed: {extra}"
        )));
    }
    if let Some(missing) = required.iter().find(|k| !map.contains_key(**k)) {
        return Err(invalid(format!("Missing required property: {missing}")));
    }
    let typed = serde_json::from_value(Value::Object(map.clone())).map_err(|e| {
        let text = e.to_string();
        let text = text.split(" at line").next().unwrap_or(&text).to_string();
        invalid(text)
    })?;
    Ok((typed, map))
}

/// A PATCH body whose schema has `minProperties: 1` (clients, grants, connections, tenant
/// settings): an empty object changes nothing and Auth0 refuses it.
pub fn parse_patch<T: DeserializeOwned>(
    bytes: &Bytes,
    allowed: &[&str],
) -> Result<(T, Map<String, Value>), MgmtError> {
    let (typed, map) = parse(bytes, allowed, &[])?;
    if map.is_empty() {
        return Err(invalid("Too few properties defined (0), minimum 1"));
    }
    Ok((typed, map))
}

/// For PATCH: distinguishes "absent" from "null" (which unsets).
pub fn patch_field<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    map.get(key)
}

pub fn check_len(value: &str, property: &str, min: usize, max: usize) -> Result<(), MgmtError> {
    let len = value.chars().count();
    if len < min {
        return Err(invalid_on(
            format!("String is too short ({len} chars), minimum {min}"),
            property,
        ));
    }
    if len > max {
        return Err(invalid_on(
            format!("String is too long ({len} chars), maximum {max}"),
            property,
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Thing {
        #[allow(dead_code)]
        name: String,
    }

    #[test]
    fn unknown_and_missing_properties_are_refused_like_auth0() {
        let err = parse::<Thing>(
            &Bytes::from_static(br#"{"name":"a","x":1}"#),
            &["name"],
            &["name"],
        )
        .unwrap_err();
        assert_eq!(
            err.message,
            "Payload validation error: 'Additional properties not allowed: x'."
        );
        let err = parse::<Thing>(&Bytes::from_static(b"{}"), &["name"], &["name"]).unwrap_err();
        assert_eq!(
            err.message,
            "Payload validation error: 'Missing required property: name'."
        );
        assert_eq!(err.error_code, Some("invalid_body"));
        assert!(parse::<Thing>(
            &Bytes::from_static(br#"{"name":"a"}"#),
            &["name"],
            &["name"]
        )
        .is_ok());
    }
}
