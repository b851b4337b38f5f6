//! `sps-sim`: the SPS simulator binary.
fn main() {}
