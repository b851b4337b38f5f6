//! Mounts the spsview app.
fn main() {}
