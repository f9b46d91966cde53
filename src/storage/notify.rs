//! Reminders (催办): the outbox of notifications, their deliveries, and the
//! units' group robots. The rules that decide who is reminded of what call
//! [`NotifyStore::enqueue`]; the worker in `crate::notify` drains the
//! deliveries with [`NotifyStore::claim_deliveries`].
//!
//! A notification is what is said and to whom (a unit, a person, or both);
//! each delivery is one channel to one recipient. In-app deliveries are the
//! inbox rows and are sent the moment they exist; the others wait for the
//! worker. Acknowledging (已知悉) belongs to the notification: when one of
//! a unit's liaisons has acknowledged it, the unit has.

use super::Result;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tuijin_domain::error::{Invalid, Problem};
use tuijin_domain::Id;
use utoipa::ToSchema;

/// One way a reminder travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The inbox of the web interface (消息提醒).
    InApp,
    Email,
    /// 钉钉 group robot.
    Dingtalk,
    /// 企业微信 group robot.
    Wecom,
    /// 飞书 group robot.
    Feishu,
}

impl Channel {
    pub const ALL: [Channel; 5] = [Channel::InApp, Channel::Email, Channel::Dingtalk, Channel::Wecom, Channel::Feishu];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::InApp => "in_app",
            Channel::Email => "email",
            Channel::Dingtalk => "dingtalk",
            Channel::Wecom => "wecom",
            Channel::Feishu => "feishu",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The robot behind a webhook channel.
    pub fn robot(self) -> Option<RobotKind> {
        match self {
            Channel::Dingtalk => Some(RobotKind::Dingtalk),
            Channel::Wecom => Some(RobotKind::Wecom),
            Channel::Feishu => Some(RobotKind::Feishu),
            Channel::InApp | Channel::Email => None,
        }
    }
}

/// The group-robot platforms a unit's webhook may belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RobotKind {
    Dingtalk,
    Wecom,
    Feishu,
}

impl RobotKind {
    pub const ALL: [RobotKind; 3] = [RobotKind::Dingtalk, RobotKind::Wecom, RobotKind::Feishu];

    pub fn as_str(self) -> &'static str {
        self.channel().as_str()
    }

    pub fn parse(s: &str) -> Option<RobotKind> {
        Channel::parse(s).and_then(Channel::robot)
    }

    pub fn channel(self) -> Channel {
        match self {
            RobotKind::Dingtalk => Channel::Dingtalk,
            RobotKind::Wecom => Channel::Wecom,
            RobotKind::Feishu => Channel::Feishu,
        }
    }
}

/// Where a delivery stands. `sent` means the receiving end accepted it: the
/// inbox row exists, the SMTP relay answered 250, the robot answered with
/// error code 0. `failed` means the worker gave up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Pending,
    Sent,
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<DeliveryStatus> {
        [DeliveryStatus::Pending, DeliveryStatus::Sent, DeliveryStatus::Failed].into_iter().find(|d| d.as_str() == s)
    }
}

/// A reminder to enqueue. The caller chooses `dedupe_key` so that the same
/// reminder always gets the same key (e.g. `report_late:task=12:period=2026-03-02`):
/// enqueueing it again — after a restart, or from a second server — does
/// nothing.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
pub struct NewNotification {
    /// What kind of reminder, e.g. `report_due`, `report_late`,
    /// `escalation`, `lamp`, `instruction` (lower case, digits, `_`).
    pub kind: String,
    pub dedupe_key: String,
    pub task_id: Option<Id>,
    /// Addressed to a unit: its accounts' inboxes and mailboxes, and its group robots.
    pub unit_id: Option<Id>,
    /// Addressed to a person (a leader): the accounts linked to that person.
    pub person_id: Option<Id>,
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// A path in the web interface, like `/tasks/12`; made absolute with the
    /// public URL in e-mails and robot messages.
    #[serde(default)]
    pub link: String,
}

impl NewNotification {
    /// Checks the fields; the store checks that the references exist.
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut inv = Invalid::default();
        let kind_ok = |k: &str| k.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if self.kind.is_empty() {
            inv.push("kind", Problem::Required);
        } else if self.kind.len() > 32 || !kind_ok(&self.kind) {
            inv.push("kind", Problem::Malformed { expected: "code" });
        }
        if self.dedupe_key.trim().is_empty() {
            inv.push("dedupe_key", Problem::Required);
        } else if self.dedupe_key.chars().count() > 200 {
            inv.push("dedupe_key", Problem::TooLong { max: 200 });
        }
        if self.unit_id.is_none() && self.person_id.is_none() {
            inv.push("unit_id", Problem::Required);
        }
        if self.title.trim().is_empty() {
            inv.push("title", Problem::Required);
        } else if self.title.chars().count() > 200 {
            inv.push("title", Problem::TooLong { max: 200 });
        }
        if self.body.chars().count() > 4000 {
            inv.push("body", Problem::TooLong { max: 4000 });
        }
        // A path of this site only: a reminder must not carry people elsewhere.
        if !self.link.is_empty()
            && (!self.link.starts_with('/') || self.link.starts_with("//") || self.link.len() > 500)
        {
            inv.push("link", Problem::Malformed { expected: "path" });
        }
        inv.into_result(())
    }
}

/// A stored reminder.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Notification {
    pub id: Id,
    pub created_at: DateTime<Utc>,
    pub kind: String,
    pub dedupe_key: String,
    pub task_id: Option<Id>,
    pub unit_id: Option<Id>,
    pub person_id: Option<Id>,
    pub title: String,
    pub body: String,
    pub link: String,
    /// When an addressee answered 已知悉, and who.
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<Id>,
}

/// One channel of a notification to one recipient.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Delivery {
    pub id: Id,
    pub notification_id: Id,
    pub channel: Channel,
    /// The account (in-app and e-mail).
    pub user_id: Option<Id>,
    /// The unit's robot (webhook channels); `None` once it is deleted.
    pub webhook_id: Option<Id>,
    /// The e-mail address, or the robot's URL without its query (which holds its token).
    pub target: String,
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: String,
    pub sent_at: Option<DateTime<Utc>>,
    /// The worker that holds or last held it.
    pub claimed_by: Option<String>,
}

/// A delivery a worker has claimed, with what it needs to send it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedDelivery {
    pub id: Id,
    pub notification_id: Id,
    pub channel: Channel,
    /// Attempts made before this one.
    pub attempts: i64,
    /// The e-mail address, or the robot's full URL (read now from the
    /// robot: `None` when it was deleted or disabled since).
    pub target: Option<String>,
    /// The robot's signing secret ('' for none).
    pub secret: String,
    pub kind: String,
    pub task_id: Option<Id>,
    pub title: String,
    pub body: String,
    pub link: String,
}

/// A unit's group robot. The secret is never sent back out.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct UnitWebhook {
    pub id: Id,
    pub unit_id: Id,
    pub kind: RobotKind,
    pub url: String,
    #[serde(skip)]
    pub secret: String,
    /// Whether a signing secret is set.
    pub has_secret: bool,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
}

/// A group robot to add to a unit.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    pub kind: RobotKind,
    /// The robot's webhook address, as the platform shows it: `http://` (see the README on HTTPS).
    #[schema(
        max_length = 1000,
        pattern = r"^\s*http://[^\s/]\S*\s*$",
        example = "http://robot-proxy/robot/send?access_token=abc"
    )]
    pub url: String,
    /// DingTalk 加签 / Feishu 签名校验 secret, if the robot has one.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub secret: String,
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

impl NewWebhook {
    /// The address must be `http://`: the binary has no TLS for robots
    /// (see `crate::notify`), so an `https://` robot is refused here rather
    /// than failing at every send.
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut inv = Invalid::default();
        let url = self.url.trim();
        let rest = url.strip_prefix("http://");
        if url.is_empty() {
            inv.push("url", Problem::Required);
        } else if rest.is_none_or(|r| r.is_empty() || r.starts_with('/')) || url.chars().any(char::is_whitespace) {
            inv.push("url", Problem::Malformed { expected: "http_url" });
        } else if url.chars().count() > 1000 {
            inv.push("url", Problem::TooLong { max: 1000 });
        }
        if self.secret.chars().count() > 200 {
            inv.push("secret", Problem::TooLong { max: 200 });
        }
        inv.into_result(())
    }
}

/// Which notifications to list (for the rules and the office).
#[derive(Debug, Clone, Default)]
pub struct NotificationQuery {
    pub task_id: Option<Id>,
    pub unit_id: Option<Id>,
    pub person_id: Option<Id>,
    pub kind: Option<String>,
    /// Only those nobody has acknowledged yet.
    pub unacknowledged: bool,
    /// Created at or before this moment (e.g. "unanswered for two days").
    pub created_before: Option<DateTime<Utc>>,
    /// At most this many, newest first; 0 means 100.
    pub limit: i64,
}

/// The outbox and the inbox.
#[async_trait]
pub trait NotifyStore: Send + Sync {
    /// Stores the notifications whose `dedupe_key` is new and, in the same
    /// transaction, one delivery per recipient: a unit's enabled accounts
    /// (in-app, and e-mail when they have an address) and its enabled
    /// robots; a person's linked accounts (in-app and e-mail). Returns how
    /// many notifications were new. Invalid input refuses the whole batch.
    async fn enqueue(&self, batch: &[NewNotification]) -> Result<usize>;
    async fn notification(&self, id: Id) -> Result<Notification>;
    async fn notification_by_key(&self, dedupe_key: &str) -> Result<Option<Notification>>;
    async fn list_notifications(&self, q: &NotificationQuery) -> Result<Vec<Notification>>;
    async fn deliveries_of(&self, notification_id: Id) -> Result<Vec<Delivery>>;

    /// Takes up to `limit` pending deliveries that are due at `now` and not
    /// leased by another worker, and leases them to `worker` until
    /// `now + lease`. Two workers never get the same row: PostgreSQL skips
    /// rows another transaction is claiming, SQLite serialises writers.
    async fn claim_deliveries(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        limit: i64,
        lease: chrono::Duration,
    ) -> Result<Vec<ClaimedDelivery>>;
    /// Records a successful attempt. False when the lease was lost (another
    /// worker took the row after it expired): nothing is written.
    async fn mark_sent(&self, delivery_id: Id, worker: &str, now: DateTime<Utc>) -> Result<bool>;
    /// Records a failed attempt: tried again at `retry_at`, or given up
    /// (`None`). False when the lease was lost.
    async fn mark_failed(
        &self,
        delivery_id: Id,
        worker: &str,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<bool>;

    /// An account's inbox, newest first; `unread_only` leaves out the acknowledged.
    async fn inbox(&self, user_id: Id, unread_only: bool, limit: i64) -> Result<Vec<Notification>>;
    /// Notifications in an account's inbox that nobody has acknowledged.
    async fn unread_count(&self, user_id: Id) -> Result<i64>;
    /// Acknowledges (已知悉) a notification in the account's inbox; the
    /// first acknowledgement stays. `None` when it is not in their inbox;
    /// [`StoreError::NotFound`](super::StoreError::NotFound) when it does not exist.
    async fn acknowledge(&self, notification_id: Id, user_id: Id, now: DateTime<Utc>) -> Result<Option<Notification>>;

    /// One unit's robots, or every unit's (`None`), by unit then age.
    async fn list_webhooks(&self, unit_id: Option<Id>) -> Result<Vec<UnitWebhook>>;
    async fn get_webhook(&self, id: Id) -> Result<UnitWebhook>;
    async fn create_webhook(&self, unit_id: Id, new: &NewWebhook) -> Result<UnitWebhook>;
    /// Pending deliveries to the robot are given up when they come due.
    async fn delete_webhook(&self, id: Id) -> Result<()>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reminder() -> NewNotification {
        NewNotification {
            kind: "report_late".into(),
            dedupe_key: "report_late:task=1:period=2026-03-02".into(),
            unit_id: Some(1),
            title: "请尽快填报进展".into(),
            link: "/tasks/1".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_reminder_needs_an_addressee_a_title_and_a_local_link() {
        assert!(reminder().validate().is_ok());
        let codes = |n: NewNotification| {
            n.validate().unwrap_err().0.iter().map(|e| format!("{}:{}", e.field, e.problem.code())).collect::<Vec<_>>()
        };
        assert_eq!(codes(NewNotification { unit_id: None, ..reminder() }), ["unit_id:required"]);
        assert_eq!(codes(NewNotification { kind: "Report Late".into(), ..reminder() }), ["kind:malformed"]);
        assert_eq!(codes(NewNotification { link: "https://evil.example/".into(), ..reminder() }), ["link:malformed"]);
        assert_eq!(codes(NewNotification { link: "//evil.example/".into(), ..reminder() }), ["link:malformed"]);
        assert_eq!(
            codes(NewNotification { title: " ".into(), dedupe_key: String::new(), ..reminder() }),
            ["dedupe_key:required", "title:required"]
        );
    }

    #[test]
    fn webhook_urls_must_be_plain_http_addresses() {
        let hook =
            |url: &str| NewWebhook { kind: RobotKind::Wecom, url: url.into(), secret: String::new(), enabled: true };
        assert!(hook("http://robot-proxy.intranet/cgi-bin/webhook/send?key=abc").validate().is_ok());
        assert!(hook("http://10.0.0.5:8080/robot/send?access_token=x").validate().is_ok());
        let https = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc";
        for bad in ["", "ftp://x/", "http://", "http:///path", "http://a b/", https] {
            assert!(hook(bad).validate().is_err(), "{bad}");
        }
    }

    #[test]
    fn channels_and_robots_round_trip_their_names() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(c));
        }
        for r in RobotKind::ALL {
            assert_eq!(RobotKind::parse(r.as_str()), Some(r));
            assert_eq!(r.channel().robot(), Some(r));
        }
        assert_eq!(RobotKind::parse("email"), None);
    }
}
