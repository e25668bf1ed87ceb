//! Customers creating their own organization: a person signs up (or in) through the sign-up
//! application, which denies organizations, as Auth0's SaaStart does; orgdesk keeps them as a
//! newcomer in the session, offers "Create your organization", creates it (journaled, in
//! `service::organizations`) within the vendor's limits, and sends them to sign in to it.

pub mod newcomer;
pub mod routes;
pub mod settings;

pub use newcomer::Newcomer;
pub use settings::Settings;
