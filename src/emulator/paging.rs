//! Query parameters and the Management API's three list shapes (SPEC §1.4): a plain array (default),
//! offset pages with totals (`page`, `per_page`, `include_totals`), and checkpoint pages (`from`, `take`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Map, Value};

use super::errors::MgmtError;
use crate::clock::iso;

/// Query parameters in order, repeated ones kept (`grant_ids=a&grant_ids=b`).
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(transparent)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn bool(&self, name: &str) -> Result<Option<bool>, MgmtError> {
        match self.get(name) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(_) => Err(MgmtError::invalid_query(format!(
                "Expected type boolean but found type string on property {name}."
            ))),
        }
    }

    pub fn int(&self, name: &str, min: i64, max: i64) -> Result<Option<i64>, MgmtError> {
        let Some(raw) = self.get(name) else {
            return Ok(None);
        };
        let value: i64 = raw.parse().map_err(|_| {
            MgmtError::invalid_query(format!(
                "Expected type integer but found type string on property {name}."
            ))
        })?;
        if value < min {
            return Err(MgmtError::invalid_query(format!(
                "Value {value} is less than minimum {min} on property {name}."
            )));
        }
        if value > max {
            return Err(MgmtError::invalid_query(format!(
                "Value {value} is greater than maximum {max} on property {name}."
            )));
        }
        Ok(Some(value))
    }

    /// `fields` + `include_fields`: which keys to keep (None = all).
    pub fn field_filter(&self) -> Result<Option<(Vec<String>, bool)>, MgmtError> {
        let Some(fields) = self.get("fields").filter(|f| !f.is_empty()) else {
            return Ok(None);
        };
        let include = self.bool("include_fields")?.unwrap_or(true);
        Ok(Some((
            fields.split(',').map(|f| f.trim().to_string()).collect(),
            include,
        )))
    }
}

/// Keeps or drops keys of a rendered object per `fields`/`include_fields`.
pub fn apply_fields(mut value: Value, filter: &Option<(Vec<String>, bool)>) -> Value {
    if let (Some((fields, include)), Value::Object(map)) = (filter, &mut value) {
        map.retain(|k, _| fields.iter().any(|f| f == k) == *include);
    }
    value
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Paging {
    Offset {
        page: usize,
        per_page: usize,
        totals: bool,
    },
    Checkpoint {
        from: Option<String>,
        take: usize,
    },
}

/// How an endpoint pages.
pub struct Shape {
    pub collection: &'static str,
    /// `{total,start,limit,<c>}` (clients, client grants, resource servers) instead of `{<c>,start,limit,total}`.
    pub totals_first: bool,
    /// Checkpoint pagination is accepted.
    pub checkpoint: bool,
    /// Organization members: every non-empty checkpoint page carries `next` (SPEC §1.4 quirk).
    pub next_on_every_page: bool,
    /// Offset paging cannot reach past this many records (`invalid_paging`).
    pub max_records: Option<usize>,
    /// Invitations: no `total`, and `limit` is the number of items returned (SPEC §3.7).
    pub no_total: bool,
    pub max_per_page: i64,
}

impl Shape {
    pub const fn offset(collection: &'static str) -> Self {
        Shape {
            collection,
            totals_first: false,
            checkpoint: false,
            next_on_every_page: false,
            max_records: None,
            no_total: false,
            max_per_page: 100,
        }
    }
}

pub fn parse(params: &Params, shape: &Shape) -> Result<Paging, MgmtError> {
    let take = params.int("take", 1, 100)?;
    let from = params.get("from").map(String::from);
    let per_page = params.int(
        "per_page",
        if shape.max_per_page == 100 { 1 } else { 0 },
        shape.max_per_page,
    )?;
    let page = params.int("page", 0, i64::MAX)?;
    let totals = params.bool("include_totals")?.unwrap_or(false);
    if shape.checkpoint && (take.is_some() || from.is_some()) {
        // When both `take` and `per_page` are sent, `take` sizes the page (SPEC §1.4: UNCONFIRMED, decided).
        return Ok(Paging::Checkpoint {
            from,
            take: take.unwrap_or(50) as usize,
        });
    }
    let per_page = per_page.unwrap_or(50) as usize;
    let page = page.unwrap_or(0) as usize;
    if let Some(max) = shape.max_records {
        if page.saturating_mul(per_page) >= max && page > 0 {
            return Err(MgmtError::new(
                axum::http::StatusCode::BAD_REQUEST,
                format!("Requesting page exceeds the allowed maximum of {max} records."),
                Some("invalid_paging"),
            ));
        }
    }
    Ok(Paging::Offset {
        page,
        per_page,
        totals,
    })
}

/// Auth0's observed cursor: base64url of `"<created_at>UTC,<id>"`.
pub fn cursor(created_at_ms: i64, id: &str) -> String {
    let stamp = iso(created_at_ms).replace('T', " ").replace('Z', "");
    URL_SAFE_NO_PAD.encode(format!("{stamp}000UTC,{id}"))
}

fn cursor_id(cursor: &str) -> Option<String> {
    let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()?;
    raw.split_once("UTC,").map(|(_, id)| id.to_string())
}

/// One listable item: its id and creation time (for cursors), rendered lazily.
pub struct Entry<'a, T> {
    pub id: &'a str,
    pub created_at: i64,
    pub item: &'a T,
}

/// What a list pages by: an item's id, and when it was made (0 for lists Auth0 keeps by name).
pub trait Listed {
    fn list_id(&self) -> &str;
    fn listed_at(&self) -> i64 {
        0
    }
}

impl<'a, T: Listed> Entry<'a, T> {
    pub fn of(item: &'a T) -> Self {
        Entry {
            id: item.list_id(),
            created_at: item.listed_at(),
            item,
        }
    }
}

/// Renders one page of `entries` (already filtered and in list order) in the endpoint's shape.
pub fn render<T>(
    entries: &[Entry<'_, T>],
    paging: &Paging,
    shape: &Shape,
    render: impl Fn(&T) -> Value,
) -> Result<Value, MgmtError> {
    match paging {
        Paging::Offset {
            page,
            per_page,
            totals,
        } => {
            let start = page.saturating_mul(*per_page);
            let items: Vec<Value> = entries
                .iter()
                .skip(start)
                .take(*per_page)
                .map(|e| render(e.item))
                .collect();
            if !totals {
                return Ok(Value::Array(items));
            }
            let mut out = Map::new();
            if shape.no_total {
                let returned = items.len();
                out.insert(shape.collection.into(), Value::Array(items));
                out.insert("start".into(), json!(start));
                out.insert("limit".into(), json!(returned));
            } else if shape.totals_first {
                out.insert("total".into(), json!(entries.len()));
                out.insert("start".into(), json!(start));
                out.insert("limit".into(), json!(per_page));
                out.insert(shape.collection.into(), Value::Array(items));
            } else {
                out.insert(shape.collection.into(), Value::Array(items));
                out.insert("start".into(), json!(start));
                out.insert("limit".into(), json!(per_page));
                out.insert("total".into(), json!(entries.len()));
            }
            Ok(Value::Object(out))
        }
        Paging::Checkpoint { from, take } => {
            let begin = match from.as_deref() {
                None | Some("") => 0,
                Some(c) => {
                    let id = cursor_id(c).ok_or_else(|| {
                        MgmtError::invalid_query("Invalid value for property from.")
                    })?;
                    entries
                        .iter()
                        .position(|e| e.id == id)
                        .map(|p| p + 1)
                        .unwrap_or(entries.len())
                }
            };
            let page: Vec<&Entry<'_, T>> = entries.iter().skip(begin).take(*take).collect();
            let more = begin + page.len() < entries.len();
            let mut out = Map::new();
            out.insert(
                shape.collection.into(),
                Value::Array(page.iter().map(|e| render(e.item)).collect()),
            );
            if let Some(last) = page.last() {
                if more || shape.next_on_every_page {
                    out.insert("next".into(), json!(cursor(last.created_at, last.id)));
                }
            }
            Ok(Value::Object(out))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(q: &str) -> Params {
        Params(serde_urlencoded::from_str(q).unwrap())
    }

    #[test]
    fn cursor_round_trips_and_looks_like_auth0s() {
        let c = cursor(1_678_792_639_466, "org_Wz2uMwAVQmfRb03I");
        assert_eq!(
            c,
            "MjAyMy0wMy0xNCAxMToxNzoxOS40NjYwMDBVVEMsb3JnX1d6MnVNd0FWUW1mUmIwM0k"
        );
        assert_eq!(cursor_id(&c).unwrap(), "org_Wz2uMwAVQmfRb03I");
    }

    #[test]
    fn take_switches_to_checkpoint_even_with_totals() {
        let shape = Shape {
            checkpoint: true,
            ..Shape::offset("organizations")
        };
        let p = parse(&params("include_totals=true&per_page=50&take=2"), &shape).unwrap();
        assert_eq!(
            p,
            Paging::Checkpoint {
                from: None,
                take: 2
            }
        );
        assert!(parse(&params("take=101"), &shape).is_err());
        assert!(parse(&params("per_page=abc"), &shape).is_err());
    }

    #[test]
    fn shapes_render_as_recorded() {
        let ids: Vec<String> = (0..3).map(|i| format!("id{i}")).collect();
        let entries: Vec<Entry<'_, String>> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| Entry {
                id,
                created_at: i as i64,
                item: id,
            })
            .collect();
        let shape = Shape {
            checkpoint: true,
            ..Shape::offset("things")
        };
        let page = render(
            &entries,
            &Paging::Offset {
                page: 1,
                per_page: 2,
                totals: true,
            },
            &shape,
            |s| json!(s),
        )
        .unwrap();
        assert_eq!(
            page,
            json!({"things":["id2"],"start":2,"limit":2,"total":3})
        );
        let first = render(
            &entries,
            &Paging::Checkpoint {
                from: None,
                take: 2,
            },
            &shape,
            |s| json!(s),
        )
        .unwrap();
        let next = first["next"].as_str().unwrap().to_string();
        let second = render(
            &entries,
            &Paging::Checkpoint {
                from: Some(next),
                take: 2,
            },
            &shape,
            |s| json!(s),
        )
        .unwrap();
        assert_eq!(
            second,
            json!({"things":["id2"]}),
            "the last page has no next"
        );
        let quirky = Shape {
            next_on_every_page: true,
            ..shape
        };
        let first = render(
            &entries,
            &Paging::Checkpoint {
                from: None,
                take: 5,
            },
            &quirky,
            |s| json!(s),
        )
        .unwrap();
        let again = render(
            &entries,
            &Paging::Checkpoint {
                from: first["next"].as_str().map(String::from),
                take: 5,
            },
            &quirky,
            |s| json!(s),
        )
        .unwrap();
        assert_eq!(again, json!({"things":[]}), "members end on an empty page");
    }
}
