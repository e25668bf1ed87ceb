//! Integration tests: one binary, real server on port 0, real SQLite database in a temp dir.

mod conformance;
mod desk;
mod helpers;
mod http;
mod m2m_matrix;
mod mgmt_api;
mod mgmt_client;
mod oas;
mod oidc_login;
mod tenant;
mod tenant_ops;
