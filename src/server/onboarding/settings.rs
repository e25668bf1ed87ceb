//! The vendor's rules for customers creating organizations (`ORGDESK_ONBOARDING*`).

use crate::server::config_error::{invalid, ConfigError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `ORGDESK_ONBOARDING=off` turns creation off even where a sign-up application is configured.
    pub enabled: bool,
    /// How many organizations one person may have created (and still belong to).
    pub per_person: u64,
    /// Attempts to create an organization from one client address per day (an office shares one).
    pub per_address_daily: u64,
    /// When not empty, only people with a verified address at one of these domains may create one.
    pub email_domains: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            enabled: true,
            per_person: 3,
            per_address_daily: 20,
            email_domains: Vec::new(),
        }
    }
}

/// Attempts one person may make per hour (each may cost several Management API calls).
pub const ATTEMPTS_PER_PERSON_HOURLY: i64 = 10;

pub const VARIABLES: &[&str] = &[
    "ORGDESK_ONBOARDING",
    "ORGDESK_ONBOARDING_PER_PERSON",
    "ORGDESK_ONBOARDING_PER_ADDRESS_DAILY",
    "ORGDESK_ONBOARDING_EMAIL_DOMAINS",
];

/// A whole number setting: `(name, default, min, max)` → its value.
pub type Bounded<'a> = &'a dyn Fn(&str, u64, u64, u64) -> Result<u64, ConfigError>;

impl Settings {
    pub fn from_vars(
        get: &dyn Fn(&str) -> Option<String>,
        bounded: Bounded<'_>,
    ) -> Result<Self, ConfigError> {
        let defaults = Self::default();
        let enabled = match get("ORGDESK_ONBOARDING").as_deref() {
            None | Some("on") => true,
            Some("off") => false,
            Some(other) => {
                return Err(invalid(
                    "ORGDESK_ONBOARDING",
                    format!("`{other}` is not `on` or `off`"),
                ))
            }
        };
        let email_domains = get("ORGDESK_ONBOARDING_EMAIL_DOMAINS")
            .unwrap_or_default()
            .split(',')
            .map(|d| d.trim().trim_start_matches('@').to_ascii_lowercase())
            .filter(|d| !d.is_empty())
            .collect::<Vec<_>>();
        if let Some(bad) = email_domains.iter().find(|d| {
            !d.contains('.')
                || d.contains(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
        }) {
            return Err(invalid(
                "ORGDESK_ONBOARDING_EMAIL_DOMAINS",
                format!("`{bad}` is not a domain like travel0.example"),
            ));
        }
        Ok(Self {
            enabled,
            per_person: bounded(
                "ORGDESK_ONBOARDING_PER_PERSON",
                defaults.per_person,
                1,
                1000,
            )?,
            per_address_daily: bounded(
                "ORGDESK_ONBOARDING_PER_ADDRESS_DAILY",
                defaults.per_address_daily,
                1,
                100_000,
            )?,
            email_domains,
        })
    }

    /// Whether an address may create an organization: any, or one at an allowed domain (exactly,
    /// not a subdomain) that the identity provider verified.
    pub fn admits(&self, email: &str, verified: bool) -> bool {
        if self.email_domains.is_empty() {
            return true;
        }
        let domain = email
            .rsplit_once('@')
            .map(|(_, d)| d.to_ascii_lowercase())
            .unwrap_or_default();
        verified && self.email_domains.contains(&domain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        };
        let bounded = |name: &str, default: u64, min: u64, max: u64| match get(name) {
            None => Ok(default),
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(|| invalid(name, "out of range")),
        };
        Settings::from_vars(&get, &bounded)
    }

    #[test]
    fn defaults_switches_and_domains() {
        assert_eq!(parse(&[]).unwrap(), Settings::default());
        assert!(!parse(&[("ORGDESK_ONBOARDING", "off")]).unwrap().enabled);
        assert_eq!(
            parse(&[("ORGDESK_ONBOARDING", "no")]).unwrap_err().variable,
            "ORGDESK_ONBOARDING"
        );
        let s = parse(&[(
            "ORGDESK_ONBOARDING_EMAIL_DOMAINS",
            "@Umbrella.example, tours.example",
        )])
        .unwrap();
        assert_eq!(s.email_domains, ["umbrella.example", "tours.example"]);
        assert!(s.admits("ada@UMBRELLA.example", true));
        assert!(!s.admits("ada@umbrella.example", false), "unverified");
        assert!(!s.admits("ada@evil.umbrella.example", true), "subdomain");
        assert!(!s.admits("ada@umbrella.example.evil", true));
        assert!(parse(&[]).unwrap().admits("anyone@anywhere", false));
        assert!(parse(&[("ORGDESK_ONBOARDING_EMAIL_DOMAINS", "localhost")]).is_err());
        assert!(parse(&[("ORGDESK_ONBOARDING_PER_PERSON", "0")]).is_err());
    }
}
