//! The vendor support console: find an organization, look at it, run tenant-wide reports. Read-only.

pub mod home;
pub mod org;
pub mod reports;
