//! Integration tests of the HTTP API: each test starts the real server on
//! port 0 with a fresh database. One binary, so it compiles once.

#[path = "../common/mod.rs"]
mod common;
mod helpers;
mod ledger;
mod permissions;
mod reference;
mod tasks;
mod web;
mod web_structure;
