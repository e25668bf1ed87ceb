//! The cookies a request carries: every `Cookie` header, split by the `cookie` crate. Shared by the
//! desk and the local tenant, which read their own cookies the same way.

use axum::http::{header, HeaderMap};
use cookie::Cookie;

/// Every value sent under `name`, in the order the browser sent them (a browser can send one name
/// twice, for two paths or domains).
pub fn values<'a>(headers: &'a HeaderMap, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .filter(move |c| c.name() == name)
        .filter_map(|c| c.value_raw())
}

/// The first value sent under `name`.
pub fn first<'a>(headers: &'a HeaderMap, name: &'a str) -> Option<&'a str> {
    values(headers, name).next()
}

/// A value written form-encoded (`byte_serialize`), read back.
pub fn form_decoded(raw: &str) -> Option<String> {
    url::form_urlencoded::parse(format!("x={raw}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_header_and_pair_is_read_in_order() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, "theme=dark; orgdesk=abc".parse().unwrap());
        h.append(header::COOKIE, "orgdesk=again;x=1".parse().unwrap());
        assert_eq!(values(&h, "orgdesk").collect::<Vec<_>>(), ["abc", "again"]);
        assert_eq!(first(&h, "x"), Some("1"));
        assert_eq!(first(&h, "missing"), None);
    }

    #[test]
    fn form_encoded_values_come_back_whole() {
        let written: String = url::form_urlencoded::byte_serialize("a b;c=d".as_bytes()).collect();
        assert_eq!(form_decoded(&written).as_deref(), Some("a b;c=d"));
    }
}
