//! tuijin (推进): key-task supervision. The library holds everything; the
//! binary in `main.rs` only parses the command line.

pub mod storage;
pub mod auth;
pub mod http;
pub mod cli;
pub mod demo;
