//! Identifiers in Auth0's formats (SPEC §1.2): `org_` + 16 alphanumerics, 32-character client ids, ...

use rand::distributions::Alphanumeric;
use rand::Rng;

pub fn alnum(len: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

fn hex(len: usize) -> String {
    const DIGITS: &[u8] = b"0123456789abcdef";
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| DIGITS[rng.gen_range(0..16)] as char)
        .collect()
}

pub fn organization() -> String {
    format!("org_{}", alnum(16))
}
pub fn client_grant() -> String {
    format!("cgr_{}", alnum(16))
}
pub fn connection() -> String {
    format!("con_{}", alnum(16))
}
pub fn role() -> String {
    format!("rol_{}", alnum(16))
}
pub fn invitation() -> String {
    format!("uinv_{}", alnum(16))
}
pub fn client_id() -> String {
    alnum(32)
}
/// Client secrets are 64 characters of URL-safe text on Auth0.
pub fn client_secret() -> String {
    alnum(64)
}
pub fn ticket() -> String {
    alnum(32)
}
pub fn resource_server() -> String {
    hex(24)
}
pub fn user() -> String {
    format!("auth0|{}", hex(24))
}
pub fn key_id() -> String {
    alnum(21)
}
/// Opaque values handed to browsers and clients: codes, refresh tokens, login sessions.
pub fn opaque() -> String {
    alnum(43)
}

/// Log ids are 56 digits; increasing with time, like Auth0's.
pub fn log(now_ms: i64, seq: u64) -> String {
    format!("900{:017}{:036}", now_ms.max(0), seq)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_match_the_recordings() {
        let org = organization();
        assert!(org.starts_with("org_") && org.len() == 20);
        assert_eq!(client_id().len(), 32);
        assert!(user().starts_with("auth0|") && user().len() == 30);
        assert_eq!(resource_server().len(), 24);
        assert_eq!(log(1_678_805_229_188, 1).len(), 56);
        assert!(log(2, 1) > log(1, 99));
    }
}
