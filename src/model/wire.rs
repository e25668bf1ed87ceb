//! How server functions' answers and errors travel: JSON, read back in the browser as text.
//!
//! server_fn's own `Json` decodes answers with `serde_json::from_slice`, while the data a page carries
//! (resources, island props) is decoded with `from_str`. Every wire type then had two deserializers in
//! the bundle, one per reader. Reading answers as text too leaves one: the same bytes on the wire.

use leptos::server_fn::codec::Post;
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::de::{DeserializeOwned, Error as _};
use serde::Serialize;

/// The answer's encoding: `application/json`.
pub struct TextJsonEncoding;

/// For `#[server(output = TextJson)]`: a POST whose answer is JSON read as text.
pub type TextJson = Post<TextJsonEncoding>;

impl ContentType for TextJsonEncoding {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for TextJsonEncoding {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for TextJsonEncoding {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for TextJsonEncoding {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(serde_json::Error::custom)?;
        serde_json::from_str(text)
    }
}

/// Percent-encodes a query value (the browser bundle has no url crate).
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_round_trip_and_bad_bytes_are_an_error() {
        let bytes =
            <TextJsonEncoding as Encodes<Vec<String>>>::encode(&vec!["é".to_string()]).unwrap();
        let back: Vec<String> = TextJsonEncoding::decode(bytes).unwrap();
        assert_eq!(back, vec!["é".to_string()]);
        let bad = <TextJsonEncoding as Decodes<String>>::decode(Bytes::from_static(b"\"\xff\""));
        assert!(bad.is_err());
    }
}
