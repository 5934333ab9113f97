//! plotsql's integration tests: one binary, shared helpers in `util`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    unreachable_pub,
    reason = "tests fail by panicking"
)]

mod cli;
mod compile;
mod diagnostics;
mod hostile;
mod postgres;
mod reader;
mod review;
mod streaming;
mod util;
mod workflows;
mod yaml_fast;
