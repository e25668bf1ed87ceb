//! Building blocks shared by pages.

pub mod feedback;
pub mod get_form;
pub mod layout;
pub mod queue;
pub mod secret;
pub mod status_check;
