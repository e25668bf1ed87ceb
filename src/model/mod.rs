//! Wire types shared by the server and the browser bundle.

pub mod desk;
pub mod error;
pub mod m2m;
pub mod status;

pub use error::{AppError, ErrorKind};
