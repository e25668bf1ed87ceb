//! `ORGDESK_ORG_METADATA`: the organization metadata keys customers may edit on their settings page,
//! each with a type and a length limit: `billing_email:email:254:Billing email; cost_center:text:32`.

use super::config_error::{invalid, ConfigError};
use crate::model::organization::{MetadataField, MetadataKind};

const VAR: &str = "ORGDESK_ORG_METADATA";
/// Auth0's limits: 25 metadata keys per organization, string values of at most 255 characters.
const MAX_FIELDS: usize = 20;
const MAX_VALUE: usize = 255;

pub fn parse(value: Option<&str>) -> Result<Vec<MetadataField>, ConfigError> {
    let mut fields: Vec<MetadataField> = Vec::new();
    for part in value
        .unwrap_or_default()
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let mut pieces = part.splitn(4, ':').map(str::trim);
        let key = pieces.next().unwrap_or_default().to_string();
        let valid_key = !key.is_empty()
            && key.len() <= 40
            && key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && !key.starts_with("orgdesk_");
        if !valid_key {
            return Err(invalid(
                VAR,
                format!(
                    "`{key}`: keys are lowercase letters, digits and _, not starting with orgdesk_"
                ),
            ));
        }
        let kind = pieces.next().and_then(MetadataKind::parse).ok_or_else(|| {
            invalid(
                VAR,
                format!("`{key}`: the type is text, email, number or url"),
            )
        })?;
        let max = pieces
            .next()
            .and_then(|m| m.parse::<usize>().ok())
            .filter(|m| (1..=MAX_VALUE).contains(m))
            .ok_or_else(|| {
                invalid(
                    VAR,
                    format!("`{key}`: give a length limit of 1 to {MAX_VALUE}"),
                )
            })?;
        let label = pieces
            .next()
            .filter(|l| !l.is_empty())
            .map(String::from)
            .unwrap_or_else(|| label_of(&key));
        if fields.iter().any(|f| f.key == key) {
            return Err(invalid(VAR, format!("`{key}` is declared twice")));
        }
        fields.push(MetadataField {
            key,
            kind,
            max,
            label,
        });
    }
    if fields.len() > MAX_FIELDS {
        return Err(invalid(
            VAR,
            format!("declares more than {MAX_FIELDS} keys"),
        ));
    }
    Ok(fields)
}

/// `cost_center` → "Cost center".
fn label_of(key: &str) -> String {
    let words = key.replace('_', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_keys_with_type_limit_and_label() {
        let fields = parse(Some(
            "billing_email:email:254:Billing email; cost_center:text:32",
        ))
        .unwrap();
        assert_eq!(fields.len(), 2);
        assert_eq!(fields[0].kind, MetadataKind::Email);
        assert_eq!(fields[0].label, "Billing email");
        assert_eq!(fields[1].label, "Cost center");
        assert_eq!(fields[1].max, 32);
        assert!(parse(None).unwrap().is_empty());
        for bad in [
            "Cost:text:3",
            "orgdesk_operation:text:10",
            "a:colour:3",
            "a:text:0",
            "a:text:256",
            "a:text",
            "a:text:3; a:number:2",
        ] {
            assert!(parse(Some(bad)).is_err(), "{bad}");
        }
    }
}
