//! The browser bundle's file names. The build names each file after its content
//! (`orgdesk.<hash>.js`, `.wasm`, `.css`) and writes them down in `pkg/assets.json`; pages reference
//! those names, so the files can be cached for a year and a new build is fetched at once. Without the
//! manifest (a stand-in bundle in tests) the plain names are used and nothing is cached for long.
//! (`pkg/orgdesk.css` also stays under its plain name, revalidated, for the few pages rendered
//! outside Leptos: sign-in problems and refusals.)

use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Assets {
    /// The JS glue's and the wasm's name without extension (`orgdesk.3f2a…`).
    pub output_name: String,
    /// The stylesheet's file name in `pkg/`.
    pub css: String,
}

impl Default for Assets {
    fn default() -> Self {
        Self {
            output_name: "orgdesk".into(),
            css: "orgdesk.css".into(),
        }
    }
}

/// Reads `<site_root>/pkg/assets.json`; the plain names when there is none.
pub fn load(site_root: &Path) -> Assets {
    std::fs::read_to_string(site_root.join("pkg").join("assets.json"))
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

impl Assets {
    pub fn css_href(&self) -> String {
        format!("/pkg/{}", self.css)
    }
}

/// Whether a bundle file's name carries its content hash (then it never changes).
pub fn is_hashed(file: &str) -> bool {
    let mut parts = file.split('.');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some(_), Some(hash), Some(_), _) if hash.len() >= 8 && hash.bytes().all(|b| b.is_ascii_hexdigit())
    )
}

/// `/pkg/*`: the bundle, served from its precompressed `.br` and `.gz` twins when the browser takes
/// them (with `Content-Encoding` and `Vary: Accept-Encoding`). Hashed names are cached for a year and
/// never revalidated; anything else must be revalidated every time.
pub fn service(site_root: &Path) -> axum::Router {
    use axum::http::{header, HeaderValue};
    let files = tower_http::services::ServeDir::new(site_root.join("pkg"))
        .precompressed_br()
        .precompressed_gzip();
    axum::Router::new()
        .fallback_service(files)
        .layer(axum::middleware::map_response(
            |uri: axum::http::Uri, mut response: axum::response::Response| async move {
                let file = uri
                    .path()
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_string();
                let cache = if response.status().is_success() && is_hashed(&file) {
                    "public, max-age=31536000, immutable"
                } else {
                    "no-cache"
                };
                let headers = response.headers_mut();
                headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
                // The same address answers br, gzip or plain bytes: caches must keep them apart.
                headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
                response
            },
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_told_apart() {
        assert!(is_hashed("orgdesk.0123456789abcdef.wasm"));
        assert!(is_hashed("orgdesk.0123456789abcdef.wasm.br"));
        assert!(!is_hashed("orgdesk.wasm"));
        assert!(!is_hashed("orgdesk.css"));
        assert!(!is_hashed("orgdesk.min.js"));
    }
}
