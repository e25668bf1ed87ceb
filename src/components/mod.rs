//! Building blocks shared by pages.

pub mod audit_table;
pub mod copy;
pub mod enhance;
pub mod feedback;
pub mod get_form;
pub mod grant_table;
pub mod island;
pub mod layout;
pub mod post;
pub mod ready;
pub mod scopes;
pub mod secret;
pub mod status_check;
pub mod table;
