//! Small building blocks shared by the pages.

pub mod export;
pub mod fetch_all;
pub mod login_dialog;
pub mod session_table;
mod status;
mod topbar;
mod verdict;

pub use status::{ErrorPanel, Loading};
pub use topbar::TopBar;
pub use verdict::VerdictBadge;
