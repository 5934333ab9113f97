//! Hostile input and faults: nothing leaks, nothing half-applies.
//!
//! - `roundtrip`: generated strings in every field come back from PostgreSQL byte for byte,
//!   and psql runs none of the meta-commands hidden in them;
//! - `sessions`: hostile session settings (`standard_conforming_strings`, client
//!   encodings, a `search_path` full of look-alikes) change no row;
//! - `faults`: psql killed, the connection dropped, the script cut short, a statement
//!   failing: the database is as before, or (once the whole script reached the server) as
//!   after, never in between;
//! - `concurrency`: concurrent syncs serialise and end in one of the states;
//! - `attacks`: malicious repositories end in a clear diagnostic and no script.

mod attacks;
mod cases;
mod concurrency;
mod faults;
mod roundtrip;
mod sessions;
mod support;
