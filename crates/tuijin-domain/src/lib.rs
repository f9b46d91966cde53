//! The pure domain of tuijin: the words of key-task supervision as types,
//! and the rules over them. Nothing here does I/O — storage, HTTP and the
//! CLI depend on this crate, never the other way round.

/// Implements the OpenAPI schema of a type the API writes as a string of a
/// certain shape (a decimal, a report deadline): what it is, the shape
/// (a pattern), an example.
macro_rules! text_schema {
    ($ty:ty, $description:expr, $pattern:expr, $example:expr) => {
        impl utoipa::PartialSchema for $ty {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::Type::String)
                    .description(Some($description))
                    .pattern(Some($pattern))
                    .examples([$example])
                    .into()
            }
        }

        impl utoipa::ToSchema for $ty {}
    };
}

pub mod access;
pub mod error;
pub mod extension;
pub mod extraction;
pub mod graph;
pub mod history;
pub mod instruction;
pub mod key_work;
pub mod lamp;
pub mod lang;
pub mod meeting;
pub mod milestone;
pub mod number;
pub mod password;
pub mod patch;
pub mod period;
pub mod person;
pub mod relation;
pub mod reminder;
pub mod report;
pub mod signin;
pub mod task;
#[cfg(test)]
mod testing;
pub mod trajectory;
pub mod unit;

/// Row identifiers are plain database integers; the type alias documents intent.
pub type Id = i64;

pub use error::{FieldError, Invalid, Problem};
pub use lang::Lang;
