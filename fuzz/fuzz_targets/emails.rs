//! Invitation addresses: never a panic; an accepted address is lower-case, has one `@`, a dotted
//! domain and no whitespace or markup.
#![no_main]

use libfuzzer_sys::fuzz_target;
use orgdesk::server::service::invitations::validate_email;

fuzz_target!(|text: &str| {
    if let Ok(email) = validate_email(text) {
        assert_eq!(email, email.to_lowercase());
        assert_eq!(email.matches('@').count(), 1);
        let (local, domain) = email.split_once('@').unwrap();
        assert!(!local.is_empty() && domain.contains('.'));
        assert!(!email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"".contains(c)));
    }
});
