//! E-mail over SMTP, through the organisation's relay.
//!
//! `TUIJIN_SMTP_URL` takes lettre's URL forms: `smtp://relay:25` (plain,
//! the usual intranet relay), `smtp://relay:587?tls=required` (STARTTLS),
//! `smtps://relay:465`, with `user:password@` for a relay that wants a
//! login and a path for the name sent with EHLO
//! (`smtp://relay:25/tuijin.zq.gov`). TLS is rustls, trusting the system's
//! certificate store (where an internal CA is installed).

use super::Message;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::time::Duration;

/// A configured sender.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    pub fn new(url: &str, from: &str, timeout: Duration) -> anyhow::Result<Mailer> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("TUIJIN_SMTP_URL {url}: {e}"))?
            .timeout(Some(timeout))
            .build();
        let from = from.parse().map_err(|e| anyhow::anyhow!("TUIJIN_SMTP_FROM {from}: {e}"))?;
        Ok(Mailer { transport, from })
    }

    /// Sends one message to one address; `Ok` once the relay has accepted it.
    pub async fn send(&self, to: &str, m: &Message) -> Result<(), String> {
        let to: Mailbox = to.parse().map_err(|e| format!("address {to}: {e}"))?;
        let mail = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(m.title.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(text(m))
            .map_err(|e| e.to_string())?;
        self.transport.send(mail).await.map(|_| ()).map_err(|e| format!("SMTP: {e}"))
    }
}

/// The plain-text body: the message, then the link on a line of its own
/// (mail readers make it clickable).
pub fn text(m: &Message) -> String {
    let mut text = m.body.clone();
    if let Some(url) = &m.url {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&format!("{}：{url}", super::LINK_LABEL));
    }
    text.push('\n');
    text
}

/// Whether an account's e-mail address can be sent to.
pub fn is_email_address(s: &str) -> bool {
    s.len() <= 254 && s.parse::<lettre::Address>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_ends_with_the_link() {
        let m = Message { title: "t".into(), body: "请补报。".into(), url: Some("http://x/tasks/1".into()) };
        assert_eq!(text(&m), "请补报。\n\n查看详情：http://x/tasks/1\n");
        assert_eq!(text(&Message { url: None, ..m }), "请补报。\n");
    }

    #[test]
    fn addresses_are_checked() {
        assert!(is_email_address("liaison@zj.zq.gov.cn"));
        for bad in ["", "no-at", "a@", "@b", "a b@c.d"] {
            assert!(!is_email_address(bad), "{bad}");
        }
    }
}
