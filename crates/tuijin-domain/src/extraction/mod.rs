//! Extraction: an office's Excel ledger read into tasks. The caller reads
//! the file into [`grid::Sheet`]s (values and merged ranges); everything
//! from there is pure — finding the header ([`header`]), reading each row
//! ([`rows`]) with dates as offices write them ([`dates`]) and milestones
//! one per line ([`milestones`]), then matching names and codes against
//! the ledger into a plan of creations and updates ([`plan`]). Every
//! problem is named by sheet, row and column ([`problem`]).

pub mod dates;
pub mod grid;
pub mod header;
pub mod milestones;
pub mod plan;
pub mod problem;
pub mod rows;
pub mod values;

pub use grid::{Cell, Merge, Sheet};
pub use header::{Field, Mapping};
pub use problem::{ImportProblem, Issue, Severity};
