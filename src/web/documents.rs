//! 文稿: the chooser (kind, period, key works; Word, Excel or a printable
//! page) and the documents themselves at `/documents/{kind}`. Any signed-in
//! user may make them; they cover every key work chosen.

use super::i18n::Tr;
use super::message::refusal;
use super::session::WebUser;
use super::{render, UserChrome};
use crate::documents::choice;
use crate::documents::model::Document;
use crate::documents::{gather, Format, Kind};
use crate::http::{today, ApiError, AppState};
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use tuijin_domain::error::{Invalid, Problem};
use tuijin_domain::Lang;

pub struct KeyWorkOption {
    pub id: i64,
    pub name: String,
}

#[derive(Template)]
#[template(path = "documents.html")]
struct Chooser {
    t: Tr,
    user: Option<UserChrome>,
    today: String,
    key_works: Vec<KeyWorkOption>,
    /// Meetings for the minutes, newest first, as (id, "date title").
    meetings: Vec<(i64, String)>,
}

fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// The chooser; when it is submitted (with a kind), on to the document.
pub async fn chooser(State(s): State<AppState>, user: WebUser, RawQuery(raw): RawQuery) -> Response {
    let all = pairs(raw.as_deref());
    if let Some((_, kind)) = all.iter().find(|(k, _)| k == "kind") {
        let rest: Vec<&(String, String)> = all.iter().filter(|(k, _)| k != "kind").collect();
        let query = serde_urlencoded::to_string(rest).unwrap_or_default();
        let kind = form_urlencoded::byte_serialize(kind.as_bytes()).collect::<String>();
        return Redirect::to(&format!("/documents/{kind}?{query}")).into_response();
    }
    let lists = async { Ok::<_, ApiError>((s.store.list_key_works().await?, s.store.list_meetings().await?)) };
    match lists.await {
        Ok((kws, mut meetings)) => {
            meetings.sort_by_key(|m| std::cmp::Reverse(m.fields.held_on));
            render(&Chooser {
                t: user.tr,
                user: Some((&user).into()),
                today: today().to_string(),
                key_works: kws.into_iter().map(|k| KeyWorkOption { id: k.id, name: k.fields.name }).collect(),
                meetings: meetings
                    .into_iter()
                    .map(|m| (m.id, format!("{} {}", user.tr.lang.date(m.fields.held_on), m.fields.title)))
                    .collect(),
            })
        }
        Err(e) => e.into_response(),
    }
}

pub async fn document(
    State(s): State<AppState>,
    user: WebUser,
    Path(kind): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let lang = user.tr.lang;
    if kind == "minutes" {
        return minutes(&s, &user, &pairs(raw.as_deref())).await;
    }
    let result = async {
        let kind = Kind::parse(&kind).ok_or_else(|| Invalid::one("kind", Problem::Malformed { expected: "kind" }))?;
        let today = today();
        let key_works = s.store.list_key_works().await?;
        let choice = choice::parse(&pairs(raw.as_deref()), &key_works, today)?;
        let facts = gather::gather(&s, &choice, today).await?;
        Ok::<_, ApiError>((kind, choice, kind.document(&facts, lang)))
    };
    match result.await {
        Ok((kind, choice, doc)) => {
            let name = crate::documents::file_name(kind.label(lang), choice.period, choice.format);
            respond(doc, choice.format, (kind.as_str(), &name), lang).await
        }
        Err(e) => refusal(&user, e, "/documents"),
    }
}

/// 会议纪要 of `?meeting=ID`, in `format` (Word by default).
async fn minutes(s: &AppState, user: &WebUser, query: &[(String, String)]) -> Response {
    let lang = user.tr.lang;
    let value = |key: &str| query.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim().to_string());
    let result = async {
        let format = match value("format").filter(|f| !f.is_empty()) {
            None => Format::Docx,
            Some(f) => Format::parse(&f)
                .ok_or_else(|| Invalid::one("format", Problem::Malformed { expected: "document_format" }))?,
        };
        let id = value("meeting")
            .filter(|v| !v.is_empty())
            .ok_or_else(|| Invalid::one("meeting", Problem::Required))?
            .parse::<i64>()
            .map_err(|_| Invalid::one("meeting", Problem::Malformed { expected: "integer" }))?;
        let record = crate::supervision::meetings::minutes_of(s.store.as_ref(), id, lang).await?;
        Ok::<_, ApiError>((format, record))
    };
    match result.await {
        Ok((format, record)) => {
            let held_on = record.held_on;
            let record = crate::documents::minutes::MeetingRecord::from(record);
            let name = crate::documents::file_name(lang.pick("会议纪要", "minutes"), held_on, format);
            respond(crate::documents::minutes::document(&record, lang), format, ("minutes", &name), lang).await
        }
        Err(e) => refusal(user, e, "/meetings"),
    }
}

/// The document in the chosen format: the printable page, or a download
/// named `names` (an ASCII fallback without extension, the full name).
/// Minutes go out the same way once meetings have their page.
pub async fn respond(doc: Document, format: Format, names: (&str, &str), lang: Lang) -> Response {
    match tokio::task::spawn_blocking(move || crate::documents::write(&doc, format, lang)).await {
        Ok(Ok(bytes)) if format == Format::Html => {
            let csp = crate::documents::html::content_security_policy(&String::from_utf8_lossy(&bytes));
            ([(header::CONTENT_TYPE, format.content_type().to_string()), (header::CONTENT_SECURITY_POLICY, csp)], bytes)
                .into_response()
        }
        Ok(Ok(bytes)) => {
            let disposition = format!(
                "attachment; filename=\"{}.{}\"; filename*=UTF-8''{}",
                names.0,
                format.extension(),
                form_urlencoded::byte_serialize(names.1.as_bytes()).collect::<String>()
            );
            (
                [(header::CONTENT_TYPE, format.content_type().to_string()), (header::CONTENT_DISPOSITION, disposition)],
                bytes,
            )
                .into_response()
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, "document writing failed");
            ApiError::Internal.into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "document writing panicked");
            ApiError::Internal.into_response()
        }
    }
}
