//! Server functions: the browser's only door into the server. Each is a public endpoint, kept thin.

pub mod apps;
pub mod desk;
pub mod members;
pub mod status;
pub mod support;
