//! Auth0's organization rules for the Client Credentials flow as one decision table. The local tenant
//! enforces it and the landing page explains it, so the two cannot disagree.
//!
//! Known from Auth0 (seed announcement, SPEC §2.4): a client grant's `organization_usage` is `deny`
//! (default: no organization), `allow` (optional) or `require` (mandatory); an organization is usable only
//! if the grant is associated with it or has `allow_any_organization`; the client's `default_organization`
//! applies when the usage is `require` and the request names none; an `organization` parameter is always
//! validated. UNCONFIRMED upstream and decided here, once (SPEC §7.1): the status, `error` and
//! `error_description` of each refusal below, and that a default organization must itself be authorized.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrganizationUsage {
    Deny,
    Allow,
    Require,
}

impl OrganizationUsage {
    pub const ALL: [OrganizationUsage; 3] = [Self::Deny, Self::Allow, Self::Require];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deny => "deny",
            Self::Allow => "allow",
            Self::Require => "require",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|u| u.as_str() == value)
    }
}

/// An organization as the token endpoint sees it: named in the request, or the client's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrgRef {
    /// None given.
    Absent,
    /// Given, but no organization of the tenant has that id or name.
    Unknown,
    /// An organization of the tenant; `authorized` when the grant is associated with it or allows any.
    Known { authorized: bool },
}

/// Where the token's `org_id` comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrgClaim {
    /// The token carries no organization.
    None,
    /// The organization named in the request.
    Requested,
    /// The client's default organization.
    Default,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    /// The grant denies organizations, but the request named one.
    OrganizationNotAllowed,
    /// The grant requires an organization; none was named and the client has no default.
    OrganizationRequired,
    /// The named organization (or the default one) does not exist.
    UnknownOrganization,
    /// The organization exists, but this grant is not associated with it.
    OrganizationNotAuthorized,
}

impl Refusal {
    /// HTTP status of the `/oauth/token` response.
    pub fn status(self) -> u16 {
        match self {
            Refusal::OrganizationRequired | Refusal::UnknownOrganization => 400,
            Refusal::OrganizationNotAllowed | Refusal::OrganizationNotAuthorized => 403,
        }
    }

    /// OAuth `error` code.
    pub fn error(self) -> &'static str {
        match self {
            Refusal::OrganizationRequired | Refusal::UnknownOrganization => "invalid_request",
            Refusal::OrganizationNotAllowed | Refusal::OrganizationNotAuthorized => "access_denied",
        }
    }

    /// OAuth `error_description`.
    pub fn description(self) -> &'static str {
        match self {
            Refusal::OrganizationNotAllowed => {
                "Client credentials requests for this API must not include the organization parameter"
            }
            Refusal::OrganizationRequired => "parameter organization is required for this client",
            Refusal::UnknownOrganization => "The organization does not exist or is not valid for this tenant",
            Refusal::OrganizationNotAuthorized => {
                "Client is not authorized to access this API on behalf of the organization"
            }
        }
    }

    /// The same, for a person reading the explainer.
    pub fn explanation(self) -> &'static str {
        match self {
            Refusal::OrganizationNotAllowed => {
                "Refused: this API access does not use organizations, so naming one is an error."
            }
            Refusal::OrganizationRequired => {
                "Refused: this API access requires an organization, and the bot has no default one."
            }
            Refusal::UnknownOrganization => "Refused: no such organization.",
            Refusal::OrganizationNotAuthorized => {
                "Refused: the bot's access was not granted for that organization."
            }
        }
    }
}

/// The outcome of a client-credentials request for one API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    Token(OrgClaim),
    Refused(Refusal),
}

impl Decision {
    pub fn explanation(self) -> &'static str {
        match self {
            Decision::Token(OrgClaim::None) => "Token issued, without an organization (no org_id).",
            Decision::Token(OrgClaim::Requested) => {
                "Token issued for the organization in the request (org_id set)."
            }
            Decision::Token(OrgClaim::Default) => {
                "Token issued for the bot's default organization (org_id set)."
            }
            Decision::Refused(refusal) => refusal.explanation(),
        }
    }
}

/// Decides a client-credentials request against a client grant's organization settings.
pub fn decide(usage: OrganizationUsage, requested: OrgRef, default: OrgRef) -> Decision {
    use Decision::{Refused, Token};
    // Since mid-2025 Auth0 validates every organization parameter, whatever the grant says.
    if requested == OrgRef::Unknown {
        return Refused(Refusal::UnknownOrganization);
    }
    match (usage, requested) {
        (OrganizationUsage::Deny, OrgRef::Absent) => Token(OrgClaim::None),
        (OrganizationUsage::Deny, _) => Refused(Refusal::OrganizationNotAllowed),
        (OrganizationUsage::Allow, OrgRef::Absent) => Token(OrgClaim::None),
        (_, OrgRef::Known { authorized: true }) => Token(OrgClaim::Requested),
        (_, OrgRef::Known { authorized: false }) => Refused(Refusal::OrganizationNotAuthorized),
        (OrganizationUsage::Require, OrgRef::Absent) => match default {
            OrgRef::Absent => Refused(Refusal::OrganizationRequired),
            OrgRef::Unknown => Refused(Refusal::UnknownOrganization),
            OrgRef::Known { authorized: true } => Token(OrgClaim::Default),
            OrgRef::Known { authorized: false } => Refused(Refusal::OrganizationNotAuthorized),
        },
        (_, OrgRef::Unknown) => Refused(Refusal::UnknownOrganization),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrgRef::{Absent, Known, Unknown};

    const OK: OrgRef = Known { authorized: true };
    const NO: OrgRef = Known { authorized: false };

    #[test]
    fn deny_never_yields_an_organization() {
        for default in [Absent, Unknown, OK, NO] {
            assert_eq!(
                decide(OrganizationUsage::Deny, Absent, default),
                Decision::Token(OrgClaim::None)
            );
            for requested in [OK, NO] {
                assert_eq!(
                    decide(OrganizationUsage::Deny, requested, default),
                    Decision::Refused(Refusal::OrganizationNotAllowed)
                );
            }
        }
    }

    #[test]
    fn allow_makes_the_organization_optional_and_ignores_the_default() {
        assert_eq!(
            decide(OrganizationUsage::Allow, Absent, OK),
            Decision::Token(OrgClaim::None)
        );
        assert_eq!(
            decide(OrganizationUsage::Allow, OK, Absent),
            Decision::Token(OrgClaim::Requested)
        );
        assert_eq!(
            decide(OrganizationUsage::Allow, NO, OK),
            Decision::Refused(Refusal::OrganizationNotAuthorized)
        );
    }

    #[test]
    fn require_uses_the_default_only_when_none_is_named() {
        let require = OrganizationUsage::Require;
        assert_eq!(
            decide(require, Absent, Absent),
            Decision::Refused(Refusal::OrganizationRequired)
        );
        assert_eq!(
            decide(require, Absent, OK),
            Decision::Token(OrgClaim::Default)
        );
        assert_eq!(
            decide(require, Absent, NO),
            Decision::Refused(Refusal::OrganizationNotAuthorized)
        );
        assert_eq!(
            decide(require, Absent, Unknown),
            Decision::Refused(Refusal::UnknownOrganization)
        );
        assert_eq!(
            decide(require, OK, NO),
            Decision::Token(OrgClaim::Requested)
        );
        assert_eq!(
            decide(require, NO, OK),
            Decision::Refused(Refusal::OrganizationNotAuthorized)
        );
    }

    #[test]
    fn an_unknown_organization_is_refused_whatever_the_usage() {
        for usage in OrganizationUsage::ALL {
            assert_eq!(
                decide(usage, Unknown, OK),
                Decision::Refused(Refusal::UnknownOrganization)
            );
        }
    }

    #[test]
    fn refusals_are_oauth_errors() {
        for r in [
            Refusal::OrganizationNotAllowed,
            Refusal::OrganizationRequired,
            Refusal::UnknownOrganization,
            Refusal::OrganizationNotAuthorized,
        ] {
            assert!(matches!(r.status(), 400 | 403));
            assert!(matches!(r.error(), "invalid_request" | "access_denied"));
            assert!(!r.description().is_empty());
        }
        assert_eq!(
            OrganizationUsage::parse("require"),
            Some(OrganizationUsage::Require)
        );
        assert_eq!(OrganizationUsage::parse("Require"), None);
    }
}
