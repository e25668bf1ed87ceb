//! Sign-in and sign-out: OIDC with Auth0 organizations, the server-side session, and the live role
//! check that decides who gets the desk.

pub mod attempts;
pub mod oidc;
pub mod routes;
pub mod session;
pub mod step_up;

pub use session::{current_user, Role, SessionUser};
