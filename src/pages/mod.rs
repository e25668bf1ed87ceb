//! One module per page; `app.rs` says which path shows which.

pub mod desk;
pub mod errors;
pub mod install;
pub mod joined;
pub mod landing;
pub mod onboarding;
pub mod rules;
pub mod support;
