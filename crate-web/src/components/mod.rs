//! Small building blocks shared by the pages.

mod status;
mod topbar;
mod verdict;

pub use status::{ErrorPanel, Loading};
pub use topbar::TopBar;
pub use verdict::VerdictBadge;
