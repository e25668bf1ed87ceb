//! Building blocks shared by pages.

pub mod copy;
pub mod enhance;
pub mod feedback;
pub mod get_form;
pub mod island;
pub mod layout;
pub mod post;
pub mod ready;
pub mod secret;
pub mod status_check;
