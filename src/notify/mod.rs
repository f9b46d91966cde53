//! Delivery of reminders (催办): the background worker that drains the
//! outbox and the channels it sends through — e-mail over SMTP and the
//! group robots of DingTalk, WeCom and Feishu (in-app reminders are the
//! inbox rows themselves). Which reminders exist is for the rules to say:
//! they call [`NotifyStore::enqueue`](crate::storage::NotifyStore::enqueue).
//!
//! Robots are reached over plain HTTP. HTTPS would need reqwest's rustls
//! without a built-in provider (aws-lc-rs is the one the test tree already
//! builds, and two providers cannot coexist), and then every reqwest client
//! in the process — the test suites' included — panics unless a provider
//! was installed first. The intranet's way out to the platforms is a proxy
//! anyway, so the office enters `http://` addresses of that proxy (or of a
//! private deployment). E-mail does have TLS: lettre chooses aws-lc-rs
//! explicitly, without that global state.

pub mod email;
pub mod webhook;
mod worker;

pub use email::is_email_address;
pub use worker::{backoff, default_worker_id, spawn_worker, Config, Round, Worker, WorkerHandle};

/// The words in front of a reminder's link.
pub const LINK_LABEL: &str = "查看详情";

/// What a reminder says, ready for any channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub title: String,
    pub body: String,
    /// The link made absolute; `None` without a link or a public URL.
    pub url: Option<String>,
}

impl Message {
    pub fn new(title: &str, body: &str, link: &str, public_url: &str) -> Message {
        let base = public_url.trim().trim_end_matches('/');
        let url = (!link.is_empty() && !base.is_empty()).then(|| format!("{base}{link}"));
        Message { title: title.to_string(), body: body.to_string(), url }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_made_absolute_with_the_public_url() {
        let m = Message::new("t", "b", "/tasks/3", "http://tuijin.zq.gov/");
        assert_eq!(m.url.as_deref(), Some("http://tuijin.zq.gov/tasks/3"));
        assert_eq!(Message::new("t", "b", "/tasks/3", "").url, None);
        assert_eq!(Message::new("t", "b", "", "http://x").url, None);
    }
}
