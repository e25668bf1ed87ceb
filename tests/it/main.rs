//! Integration tests: one binary, real server on port 0, real SQLite database in a temp dir.

// A test stops at the first broken assumption: unwrapping is how it says so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::too_many_lines
)]

mod access_reviews;
mod approvals;
mod apps;
mod attacks;
mod automation;
mod bot_keys;
mod bot_owners;
mod budget;
mod bundle;
mod conformance;
mod connections;
mod credential_expiry;
mod desk;
mod faults;
mod hardening;
mod helpers;
mod hostile_idp;
mod http;
mod invitations;
mod key_credentials;
mod m2m_matrix;
mod members;
mod mgmt_api;
mod mgmt_client;
mod oas;
mod oidc_login;
mod onboarding;
mod org_create;
mod org_quotas;
mod org_settings;
mod pages;
mod property;
mod quotas;
mod replay;
mod replicas;
mod rooms;
mod setup;
mod signup;
mod step_up;
mod store;
mod support;
mod tenant;
mod tenant_ops;
mod usage;
mod webhooks;
