//! tuijin (推进): key-task supervision. The library holds everything; the
//! binary in `main.rs` only parses the command line.

pub mod auth;
pub mod cli;
pub mod demo;
pub mod documents;
pub mod http;
pub mod notify;
pub mod sheets;
pub mod storage;
pub mod supervision;
pub mod web;
