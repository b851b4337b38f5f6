//! Small building blocks shared by the pages.

pub mod columns;
pub mod export;
pub mod fetch_all;
pub mod flow;
pub mod histogram;
pub mod login_dialog;
pub mod marked;
pub mod offline;
pub mod query_assist;
pub mod session_table;
mod status;
pub mod summary_chips;
pub mod table_keys;
mod topbar;
mod verdict;
pub mod virtual_table;
pub mod zone;

pub use status::{ErrorPanel, Loading};
pub use topbar::TopBar;
pub use verdict::VerdictBadge;
