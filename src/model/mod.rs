//! Wire types shared by the server and the browser bundle.

pub mod apps;
pub mod audit;
pub mod bots;
pub mod desk;
pub mod error;
pub mod invitations;
pub mod m2m;
pub mod members;
pub mod onboarding;
pub mod organization;
pub mod reviews;
pub mod status;
pub mod support;
pub mod webhooks;
pub mod wire;

pub use error::{AppError, ErrorKind};
