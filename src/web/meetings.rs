//! 工作例会: the list of meetings, and the office's form for a new one
//! (key works, date, time, place, chair, attendees). A form that cannot be
//! saved comes back with its values and the errors named.

use super::form::FormData;
use super::format::date;
use super::i18n::Tr;
use super::meeting_forms::{checked, meeting_from};
use super::message::forbidden;
use super::names::Names;
use super::session::WebUser;
use super::{render, UserChrome};
use crate::http::{today, ApiError, AppState};
use crate::supervision::meetings;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tuijin_domain::error::Invalid;
use tuijin_domain::meeting::MeetingFields;
use tuijin_domain::Id;

pub struct MeetingLine {
    pub id: Id,
    pub title: String,
    pub when: String,
    pub place: String,
    pub chair: String,
    pub key_works: String,
    pub status: &'static str,
    pub status_label: &'static str,
}

#[derive(Template)]
#[template(path = "meetings.html")]
struct ListPage {
    t: Tr,
    user: Option<UserChrome>,
    office: bool,
    /// (heading key, meetings): upcoming (the next first), then past.
    sections: Vec<(&'static str, Vec<MeetingLine>)>,
}

/// An option of a select.
pub struct Choice<T = Id> {
    pub id: T,
    pub name: String,
    pub selected: bool,
}

pub fn choices(list: &[(Id, String)], selected: &[Id]) -> Vec<Choice> {
    list.iter().map(|(id, name)| Choice { id: *id, name: name.clone(), selected: selected.contains(id) }).collect()
}

#[derive(Template)]
#[template(path = "meeting_new.html")]
struct NewPage {
    t: Tr,
    user: Option<UserChrome>,
    csrf: String,
    errors: Vec<String>,
    key_works: Vec<Choice>,
    people: Vec<Choice>,
    held_on: String,
    starts_at: String,
    title: String,
    place: String,
    attendees: String,
}

pub async fn list(State(s): State<AppState>, user: WebUser) -> Response {
    let built = async {
        let names = Names::load(s.store.as_ref()).await?;
        let lang = user.tr.lang;
        let today = today();
        let (mut upcoming, mut past) = (Vec::new(), Vec::new());
        for m in s.store.list_meetings().await? {
            let f = &m.fields;
            let line = MeetingLine {
                id: m.id,
                title: f.title.clone(),
                when: format!("{} {}", date(f.held_on, lang), f.starts_at).trim().to_string(),
                place: f.place.clone(),
                chair: f.chair_id.map(|c| names.person(c)).unwrap_or_default(),
                key_works: Names::join(f.key_work_ids.iter().map(|k| names.key_work(*k))),
                status: f.status.as_str(),
                status_label: f.status.label(lang),
            };
            if f.held_on >= today {
                upcoming.push(line);
            } else {
                past.push(line);
            }
        }
        // The next meeting first.
        upcoming.reverse();
        Ok::<_, ApiError>(ListPage {
            t: user.tr,
            user: Some((&user).into()),
            office: user.actor.is_office(),
            sections: vec![("mtg.upcoming", upcoming), ("mtg.past", past)],
        })
    };
    match built.await {
        Ok(p) => render(&p),
        Err(e) => e.into_response(),
    }
}

async fn new_page(s: &AppState, user: &WebUser, f: &MeetingFields, errors: Vec<String>) -> Result<NewPage, ApiError> {
    let names = Names::load(s.store.as_ref()).await?;
    let chair: Vec<Id> = f.chair_id.into_iter().collect();
    Ok(NewPage {
        t: user.tr,
        user: Some(user.into()),
        csrf: user.csrf.clone(),
        errors,
        key_works: choices(&names.key_work_list, &f.key_work_ids),
        people: choices(&names.person_list, &chair),
        held_on: f.held_on.to_string(),
        starts_at: f.starts_at.clone(),
        title: f.title.clone(),
        place: f.place.clone(),
        attendees: f.attendees.clone(),
    })
}

pub async fn form_page(State(s): State<AppState>, user: WebUser) -> Response {
    if !user.actor.is_office() {
        return forbidden(&user, "ref.refused");
    }
    let blank = MeetingFields {
        title: String::new(),
        key_work_ids: Vec::new(),
        held_on: today(),
        starts_at: "09:00".into(),
        place: String::new(),
        chair_id: None,
        attendees: String::new(),
        status: Default::default(),
        minutes: String::new(),
    };
    match new_page(&s, &user, &blank, Vec::new()).await {
        Ok(p) => render(&p),
        Err(e) => e.into_response(),
    }
}

pub async fn create(State(s): State<AppState>, user: WebUser, body: Bytes) -> Response {
    let (form, refused): (FormData, _) = checked(&user, &body);
    if let Some(r) = refused {
        return r;
    }
    let mut inv = Invalid::default();
    let f = meeting_from(&form, &mut inv);
    let result =
        if inv.is_empty() { meetings::create(s.store.as_ref(), &user.actor, f.clone()).await } else { Err(inv.into()) };
    let errors = match result {
        Ok(m) => return Redirect::to(&format!("/meetings/{}", m.id)).into_response(),
        Err(ApiError::Invalid(inv)) => inv.messages(user.tr.lang),
        Err(e) => return e.into_response(),
    };
    match new_page(&s, &user, &f, errors).await {
        Ok(p) => {
            let mut res = render(&p);
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            res
        }
        Err(e) => e.into_response(),
    }
}
