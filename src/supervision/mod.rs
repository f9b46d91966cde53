//! The weekly supervision cycle as application services: the rules that
//! combine storage with the pure domain (periods, report workflow, lamps),
//! shared by the API and the web pages so both enforce the same things.

pub mod board;
pub mod evidence;
pub mod followup;
pub mod lamps;
pub mod load;
pub mod meetings;
pub mod reminders;
pub mod reports;

use crate::storage::KeyWork;
use tuijin_domain::period::Schedule;

/// The reporting schedule of a key work. Fortnights are counted from the
/// week the key work was created in, so they never shift afterwards.
pub fn schedule_of(kw: &KeyWork) -> Schedule {
    Schedule::new(kw.fields.report_cadence, kw.fields.report_deadline, kw.created_at.date_naive())
}

/// Now, in the district's local time: deadlines ("Thursday 12:00") are
/// local times.
pub fn local_now() -> chrono::NaiveDateTime {
    chrono::Local::now().naive_local()
}
