//! The Management API's three list shapes, read to the end: plain arrays, offset pages with totals, and
//! checkpoint pages (`from`/`take`), including the members quirk where only an empty page ends the list.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::client::ManagementClient;
use super::error::ApiError;

/// Safety stop: no list orgdesk reads needs more pages than this.
const MAX_PAGES: usize = 2_000;

fn items<T: DeserializeOwned>(page: &Value, collection: &str) -> Result<Vec<T>, ApiError> {
    let list = if page.is_array() {
        page
    } else {
        page.get(collection).unwrap_or(&Value::Null)
    };
    serde_json::from_value(list.clone()).map_err(|e| ApiError::Decode(e.to_string()))
}

impl ManagementClient {
    /// One checkpoint page: its items and the cursor of the next one.
    pub async fn checkpoint_page<T: DeserializeOwned>(
        &self,
        path: &str,
        collection: &str,
        query: &[(&str, String)],
        from: Option<&str>,
        take: u32,
    ) -> Result<(Vec<T>, Option<String>), ApiError> {
        let mut q = query.to_vec();
        q.push(("take", take.to_string()));
        if let Some(f) = from {
            q.push(("from", f.to_string()));
        }
        let page = self
            .send(reqwest::Method::GET, path, &q, None)
            .await?
            .unwrap_or(Value::Null);
        let list: Vec<T> = items(&page, collection)?;
        // An empty page ends the list even when it carries `next` (organization members do).
        let next = page
            .get("next")
            .and_then(Value::as_str)
            .map(String::from)
            .filter(|_| !list.is_empty());
        Ok((list, next))
    }

    pub async fn list_checkpoint<T: DeserializeOwned>(
        &self,
        path: &str,
        collection: &str,
        query: &[(&str, String)],
    ) -> Result<Vec<T>, ApiError> {
        let mut out = Vec::new();
        let mut from: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let (list, next) = self
                .checkpoint_page::<T>(path, collection, query, from.as_deref(), 100)
                .await?;
            out.extend(list);
            match next {
                Some(n) => from = Some(n),
                None => return Ok(out),
            }
        }
        Err(ApiError::Decode(format!(
            "{path}: more than {MAX_PAGES} pages"
        )))
    }

    /// Offset pages of 100 with totals, to the end (Auth0 caps offset paging at 1000 records).
    pub async fn list_offset<T: DeserializeOwned>(
        &self,
        path: &str,
        collection: &str,
        query: &[(&str, String)],
    ) -> Result<Vec<T>, ApiError> {
        let mut out: Vec<T> = Vec::new();
        for page in 0..10 {
            let mut q = query.to_vec();
            q.extend([
                ("page", page.to_string()),
                ("per_page", "100".to_string()),
                ("include_totals", "true".to_string()),
            ]);
            let body = self
                .send(reqwest::Method::GET, path, &q, None)
                .await?
                .unwrap_or(Value::Null);
            let list: Vec<T> = items(&body, collection)?;
            let total = body.get("total").and_then(Value::as_u64);
            let got = list.len();
            out.extend(list);
            let done = match total {
                Some(t) => out.len() as u64 >= t,
                None => got < 100,
            };
            if done || got == 0 {
                return Ok(out);
            }
        }
        Ok(out)
    }
}
