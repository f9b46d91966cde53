//! tuijin (推进): key-task supervision. The library holds everything; the
//! binary in `main.rs` only parses the command line.

pub mod auth;
pub mod cli;
pub mod credentials;
pub mod demo;
pub mod documents;
pub mod http;
pub mod notify;
pub mod sheets;
pub mod storage;
pub mod supervision;
pub mod web;

/// mimalloc for the server, the command line, the tests and the benches
/// alike (a library's allocator is the binary's): measured on the
/// spreadsheet benchmark, see README.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
