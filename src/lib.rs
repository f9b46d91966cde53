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

// The allocator is the binary's choice, not the library's: `main.rs` and
// each bench set mimalloc (measured on the spreadsheet benchmark, see
// README), while a test binary may install its own (the fuzz test counts
// every allocation to bound each input's memory).
