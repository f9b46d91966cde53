//! Integration tests of the HTTP API: each test starts the real server on
//! port 0 with a fresh database. One binary, so it compiles once.

mod attack;
#[path = "../common/mod.rs"]
mod common;
mod delivery;
mod documents;
mod followup;
mod helpers;
mod imports;
mod inbox;
mod lamps;
mod ledger;
mod meetings;
mod openapi;
pub mod permissions;
mod receivers;
mod reference;
mod reminders;
mod reports;
mod sheets;
mod tasks;
mod web;
mod web_followup;
mod web_meetings;
mod web_reports;
mod web_structure;
