//! The outbox, the inbox and the units' robots (see `storage::notify`).

use crate::storage::notify::{
    Channel, ClaimedDelivery, Delivery, DeliveryStatus, Notification, RobotKind, UnitWebhook,
};
use crate::storage::StoreError;
use chrono::{DateTime, Utc};
use tuijin_domain::Id;

pub(super) const NOTIFICATION_COLUMNS: &str = "n.id, n.created_at, n.kind, n.dedupe_key, n.task_id, n.unit_id, \
    n.person_id, n.title, n.body, n.link, n.acknowledged_at, n.acknowledged_by";

#[derive(sqlx::FromRow)]
pub(super) struct NotificationRow {
    id: i64,
    created_at: DateTime<Utc>,
    kind: String,
    dedupe_key: String,
    task_id: Option<i64>,
    unit_id: Option<i64>,
    person_id: Option<i64>,
    title: String,
    body: String,
    link: String,
    acknowledged_at: Option<DateTime<Utc>>,
    acknowledged_by: Option<i64>,
}

impl From<NotificationRow> for Notification {
    fn from(r: NotificationRow) -> Notification {
        Notification {
            id: r.id,
            created_at: r.created_at,
            kind: r.kind,
            dedupe_key: r.dedupe_key,
            task_id: r.task_id,
            unit_id: r.unit_id,
            person_id: r.person_id,
            title: r.title,
            body: r.body,
            link: r.link,
            acknowledged_at: r.acknowledged_at,
            acknowledged_by: r.acknowledged_by,
        }
    }
}

fn channel(id: i64, s: &str) -> Result<Channel, StoreError> {
    Channel::parse(s).ok_or_else(|| StoreError::Corrupt(format!("delivery {id}: channel {s}")))
}

#[derive(sqlx::FromRow)]
pub(super) struct DeliveryRow {
    id: i64,
    notification_id: i64,
    channel: String,
    user_id: Option<i64>,
    webhook_id: Option<i64>,
    target: String,
    status: String,
    attempts: i64,
    next_attempt_at: DateTime<Utc>,
    last_error: String,
    sent_at: Option<DateTime<Utc>>,
    claimed_by: Option<String>,
}

impl TryFrom<DeliveryRow> for Delivery {
    type Error = StoreError;
    fn try_from(r: DeliveryRow) -> Result<Delivery, StoreError> {
        let status = DeliveryStatus::parse(&r.status)
            .ok_or_else(|| StoreError::Corrupt(format!("delivery {}: status {}", r.id, r.status)))?;
        Ok(Delivery {
            channel: channel(r.id, &r.channel)?,
            id: r.id,
            notification_id: r.notification_id,
            user_id: r.user_id,
            webhook_id: r.webhook_id,
            target: r.target,
            status,
            attempts: r.attempts,
            next_attempt_at: r.next_attempt_at,
            last_error: r.last_error,
            sent_at: r.sent_at,
            claimed_by: r.claimed_by,
        })
    }
}

pub(super) const CLAIM_SELECT: &str = "SELECT d.id, d.notification_id, d.channel, d.attempts, d.target, \
    w.url AS webhook_url, w.secret AS webhook_secret, w.enabled AS webhook_enabled, \
    n.kind, n.task_id, n.title, n.body, n.link \
    FROM deliveries d JOIN notifications n ON n.id = d.notification_id \
    LEFT JOIN unit_webhooks w ON w.id = d.webhook_id WHERE d.id IN (";

#[derive(sqlx::FromRow)]
pub(super) struct ClaimRow {
    id: i64,
    notification_id: i64,
    channel: String,
    attempts: i64,
    target: String,
    webhook_url: Option<String>,
    webhook_secret: Option<String>,
    webhook_enabled: Option<bool>,
    kind: String,
    task_id: Option<i64>,
    title: String,
    body: String,
    link: String,
}

impl TryFrom<ClaimRow> for ClaimedDelivery {
    type Error = StoreError;
    fn try_from(r: ClaimRow) -> Result<ClaimedDelivery, StoreError> {
        let channel = channel(r.id, &r.channel)?;
        // A robot is read afresh: a deleted or disabled one gets nothing more.
        let target = match channel.robot() {
            Some(_) => r.webhook_url.filter(|_| r.webhook_enabled == Some(true)),
            None => Some(r.target),
        };
        Ok(ClaimedDelivery {
            id: r.id,
            notification_id: r.notification_id,
            channel,
            attempts: r.attempts,
            target,
            secret: r.webhook_secret.unwrap_or_default(),
            kind: r.kind,
            task_id: r.task_id,
            title: r.title,
            body: r.body,
            link: r.link,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct WebhookRow {
    id: i64,
    unit_id: i64,
    kind: String,
    url: String,
    secret: String,
    enabled: bool,
    created_at: DateTime<Utc>,
}

impl TryFrom<WebhookRow> for UnitWebhook {
    type Error = StoreError;
    fn try_from(r: WebhookRow) -> Result<UnitWebhook, StoreError> {
        let kind = RobotKind::parse(&r.kind)
            .ok_or_else(|| StoreError::Corrupt(format!("webhook {}: kind {}", r.id, r.kind)))?;
        Ok(UnitWebhook {
            id: r.id,
            unit_id: r.unit_id,
            kind,
            url: r.url,
            has_secret: !r.secret.is_empty(),
            secret: r.secret,
            enabled: r.enabled,
            created_at: r.created_at,
        })
    }
}

/// One delivery to insert for a new notification.
pub(super) struct NewDelivery {
    pub channel: Channel,
    pub user_id: Option<Id>,
    pub webhook_id: Option<Id>,
    pub target: String,
}

/// Who a new notification reaches: each account once (in-app, plus e-mail
/// when it has an address) and each robot once.
pub(super) fn recipients(users: Vec<(i64, Option<String>)>, robots: Vec<(i64, String, String)>) -> Vec<NewDelivery> {
    let mut out = Vec::new();
    for (user, email) in users {
        out.push(NewDelivery { channel: Channel::InApp, user_id: Some(user), webhook_id: None, target: String::new() });
        if let Some(address) = email.filter(|e| !e.trim().is_empty()) {
            out.push(NewDelivery { channel: Channel::Email, user_id: Some(user), webhook_id: None, target: address });
        }
    }
    for (id, kind, url) in robots {
        if let Some(robot) = RobotKind::parse(&kind) {
            out.push(NewDelivery {
                channel: robot.channel(),
                user_id: None,
                webhook_id: Some(id),
                target: redact(&url),
            });
        }
    }
    out
}

/// A robot's URL without its query, which carries the access token: enough
/// to recognise the robot in a record without repeating the secret.
pub(super) fn redact(url: &str) -> String {
    url.split(['?', '#']).next().unwrap_or_default().to_string()
}

/// An error as stored: one line, at most 1,000 characters.
pub(super) fn error_line(e: &str) -> String {
    e.replace(['\r', '\n'], " ").chars().take(1000).collect()
}

macro_rules! impl_notify_store {
    // $lock: what makes two servers' claims skip each other's rows.
    ($DB:ty, $lock:literal) => {
        #[async_trait]
        impl crate::storage::NotifyStore for SqlStore<$DB> {
            async fn enqueue(&self, batch: &[crate::storage::NewNotification]) -> Result<usize> {
                let mut inv = Invalid::default();
                for n in batch {
                    if let Err(e) = n.validate() {
                        inv.0.extend(e.0);
                    }
                }
                inv.into_result(())?;
                if batch.is_empty() {
                    return Ok(0);
                }
                let refs = |f: fn(&crate::storage::NewNotification) -> Option<Id>| {
                    let mut ids: Vec<Id> = batch.iter().filter_map(f).collect();
                    ids.sort_unstable();
                    ids.dedup();
                    ids
                };
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let mut inv = Invalid::default();
                Self::check_refs(&mut *tx, &mut inv, "tasks", "task_id", "task", &refs(|n| n.task_id)).await?;
                Self::check_refs(&mut *tx, &mut inv, "units", "unit_id", "unit", &refs(|n| n.unit_id)).await?;
                Self::check_refs(&mut *tx, &mut inv, "people", "person_id", "person", &refs(|n| n.person_id)).await?;
                inv.into_result(())?;
                let now = now();
                let mut inserted = 0;
                for n in batch {
                    // An existing key is no error: that reminder was enqueued before.
                    let id: Option<i64> = sqlx::query_scalar(
                        "INSERT INTO notifications (created_at, kind, dedupe_key, task_id, unit_id, person_id, title, body, link) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
                    )
                    .bind(now)
                    .bind(&n.kind)
                    .bind(n.dedupe_key.trim())
                    .bind(n.task_id)
                    .bind(n.unit_id)
                    .bind(n.person_id)
                    .bind(n.title.trim())
                    .bind(n.body.trim())
                    .bind(&n.link)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some(id) = id else { continue };
                    inserted += 1;
                    let users: Vec<(i64, Option<String>)> = sqlx::query_as(
                        "SELECT id, email FROM users WHERE NOT disabled AND (unit_id = $1 OR person_id = $2) ORDER BY id",
                    )
                    .bind(n.unit_id)
                    .bind(n.person_id)
                    .fetch_all(&mut *tx)
                    .await?;
                    let robots: Vec<(i64, String, String)> = match n.unit_id {
                        Some(unit) => {
                            sqlx::query_as("SELECT id, kind, url FROM unit_webhooks WHERE unit_id = $1 AND enabled ORDER BY id")
                                .bind(unit)
                                .fetch_all(&mut *tx)
                                .await?
                        }
                        None => Vec::new(),
                    };
                    let deliveries = notify::recipients(users, robots);
                    if deliveries.is_empty() {
                        continue;
                    }
                    let mut qb: QueryBuilder<$DB> = QueryBuilder::new(
                        "INSERT INTO deliveries (notification_id, channel, user_id, webhook_id, target, status, attempts, next_attempt_at, sent_at) ",
                    );
                    qb.push_values(deliveries, |mut b, d| {
                        // The inbox row is the in-app delivery: it arrives as it is written.
                        let in_app = d.channel == crate::storage::Channel::InApp;
                        b.push_bind(id)
                            .push_bind(d.channel.as_str())
                            .push_bind(d.user_id)
                            .push_bind(d.webhook_id)
                            .push_bind(d.target)
                            .push_bind(if in_app { "sent" } else { "pending" })
                            .push_bind(if in_app { 1_i64 } else { 0 })
                            .push_bind(now)
                            .push_bind(in_app.then_some(now));
                    });
                    qb.build().execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(inserted)
            }

            async fn notification(&self, id: Id) -> Result<crate::storage::Notification> {
                let row: Option<notify::NotificationRow> =
                    sqlx::query_as(&format!("SELECT {} FROM notifications n WHERE n.id = $1", notify::NOTIFICATION_COLUMNS))
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?;
                row.map(Into::into).ok_or(StoreError::NotFound { entity: "notification", id })
            }

            async fn notification_by_key(&self, key: &str) -> Result<Option<crate::storage::Notification>> {
                let row: Option<notify::NotificationRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM notifications n WHERE n.dedupe_key = $1",
                    notify::NOTIFICATION_COLUMNS
                ))
                .bind(key)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(Into::into))
            }

            async fn list_notifications(
                &self,
                q: &crate::storage::NotificationQuery,
            ) -> Result<Vec<crate::storage::Notification>> {
                let mut qb: QueryBuilder<$DB> = QueryBuilder::new(format!(
                    "SELECT {} FROM notifications n WHERE 1 = 1",
                    notify::NOTIFICATION_COLUMNS
                ));
                if let Some(t) = q.task_id {
                    qb.push(" AND n.task_id = ").push_bind(t);
                }
                if let Some(u) = q.unit_id {
                    qb.push(" AND n.unit_id = ").push_bind(u);
                }
                if let Some(p) = q.person_id {
                    qb.push(" AND n.person_id = ").push_bind(p);
                }
                if let Some(k) = &q.kind {
                    qb.push(" AND n.kind = ").push_bind(k.clone());
                }
                if q.unacknowledged {
                    qb.push(" AND n.acknowledged_at IS NULL");
                }
                if let Some(before) = q.created_before {
                    qb.push(" AND n.created_at <= ").push_bind(before);
                }
                let limit = if q.limit > 0 { q.limit.min(1000) } else { 100 };
                qb.push(" ORDER BY n.id DESC LIMIT ").push_bind(limit);
                let rows: Vec<notify::NotificationRow> = qb.build_query_as().fetch_all(&self.pool).await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn deliveries_of(&self, notification_id: Id) -> Result<Vec<crate::storage::Delivery>> {
                let rows: Vec<notify::DeliveryRow> = sqlx::query_as(
                    "SELECT id, notification_id, channel, user_id, webhook_id, target, status, attempts, next_attempt_at, \
                     last_error, sent_at, claimed_by FROM deliveries WHERE notification_id = $1 ORDER BY id",
                )
                .bind(notification_id)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn claim_deliveries(
                &self,
                worker: &str,
                now: DateTime<Utc>,
                limit: i64,
                lease: chrono::Duration,
            ) -> Result<Vec<crate::storage::ClaimedDelivery>> {
                let now = now.trunc_subsecs(6);
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                // A row whose lease ran out (its worker died) is due again.
                let ids: Vec<i64> = sqlx::query_scalar(concat!(
                    "UPDATE deliveries SET claimed_by = $1, claimed_until = $2 WHERE id IN (",
                    "SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= $3 ",
                    "AND (claimed_until IS NULL OR claimed_until <= $3) ORDER BY next_attempt_at, id LIMIT $4",
                    $lock,
                    ") RETURNING id"
                ))
                .bind(worker)
                .bind(now + lease)
                .bind(now)
                .bind(limit)
                .fetch_all(&mut *tx)
                .await?;
                if ids.is_empty() {
                    tx.commit().await?;
                    return Ok(Vec::new());
                }
                let mut qb: QueryBuilder<$DB> = QueryBuilder::new(notify::CLAIM_SELECT);
                let mut sep = qb.separated(", ");
                for id in &ids {
                    sep.push_bind(*id);
                }
                qb.push(") ORDER BY d.next_attempt_at, d.id");
                let rows: Vec<notify::ClaimRow> = qb.build_query_as().fetch_all(&mut *tx).await?;
                tx.commit().await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn mark_sent(&self, delivery_id: Id, worker: &str, now: DateTime<Utc>) -> Result<bool> {
                let _w = self.write_guard().await;
                let done = sqlx::query(
                    "UPDATE deliveries SET status = 'sent', attempts = attempts + 1, sent_at = $1, last_error = '', \
                     claimed_until = NULL WHERE id = $2 AND claimed_by = $3 AND status = 'pending'",
                )
                .bind(now.trunc_subsecs(6))
                .bind(delivery_id)
                .bind(worker)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn mark_failed(
                &self,
                delivery_id: Id,
                worker: &str,
                error: &str,
                retry_at: Option<DateTime<Utc>>,
            ) -> Result<bool> {
                let _w = self.write_guard().await;
                let error = notify::error_line(error);
                let query = match retry_at {
                    Some(at) => sqlx::query(
                        "UPDATE deliveries SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, \
                         claimed_until = NULL WHERE id = $3 AND claimed_by = $4 AND status = 'pending'",
                    )
                    .bind(error)
                    .bind(at.trunc_subsecs(6)),
                    None => sqlx::query(
                        "UPDATE deliveries SET status = 'failed', attempts = attempts + 1, last_error = $1, \
                         claimed_until = NULL WHERE id = $2 AND claimed_by = $3 AND status = 'pending'",
                    )
                    .bind(error),
                };
                let done = query.bind(delivery_id).bind(worker).execute(&self.pool).await?;
                Ok(done.rows_affected() == 1)
            }

            async fn inbox(&self, user_id: Id, unread_only: bool, limit: i64) -> Result<Vec<crate::storage::Notification>> {
                let unread = if unread_only { " AND n.acknowledged_at IS NULL" } else { "" };
                let rows: Vec<notify::NotificationRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM notifications n JOIN deliveries d ON d.notification_id = n.id \
                     WHERE d.channel = 'in_app' AND d.user_id = $1{unread} ORDER BY n.id DESC LIMIT $2",
                    notify::NOTIFICATION_COLUMNS
                ))
                .bind(user_id)
                .bind(limit.clamp(1, 1000))
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn unread_count(&self, user_id: Id) -> Result<i64> {
                Ok(sqlx::query_scalar(notify::UNREAD_COUNT).bind(user_id).fetch_one(&self.pool).await?)
            }

            async fn acknowledge(
                &self,
                notification_id: Id,
                user_id: Id,
                now: DateTime<Utc>,
            ) -> Result<Option<crate::storage::Notification>> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                // None: no such notification; 0: it is not in this inbox.
                let mine: Option<i64> = sqlx::query_scalar(
                    "SELECT (SELECT COUNT(*) FROM deliveries d WHERE d.notification_id = n.id \
                     AND d.channel = 'in_app' AND d.user_id = $2) FROM notifications n WHERE n.id = $1",
                )
                .bind(notification_id)
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
                let mine = mine.ok_or(StoreError::NotFound { entity: "notification", id: notification_id })?;
                if mine == 0 {
                    return Ok(None);
                }
                // The first answer stands; answering again changes nothing.
                sqlx::query(
                    "UPDATE notifications SET acknowledged_at = $1, acknowledged_by = $2 \
                     WHERE id = $3 AND acknowledged_at IS NULL",
                )
                .bind(now.trunc_subsecs(6))
                .bind(user_id)
                .bind(notification_id)
                .execute(&mut *tx)
                .await?;
                let row: notify::NotificationRow =
                    sqlx::query_as(&format!("SELECT {} FROM notifications n WHERE n.id = $1", notify::NOTIFICATION_COLUMNS))
                        .bind(notification_id)
                        .fetch_one(&mut *tx)
                        .await?;
                tx.commit().await?;
                Ok(Some(row.into()))
            }

            async fn list_webhooks(&self, unit_id: Option<Id>) -> Result<Vec<crate::storage::UnitWebhook>> {
                let rows: Vec<notify::WebhookRow> = match unit_id {
                    Some(unit) => sqlx::query_as("SELECT * FROM unit_webhooks WHERE unit_id = $1 ORDER BY id")
                        .bind(unit)
                        .fetch_all(&self.pool)
                        .await?,
                    None => sqlx::query_as("SELECT * FROM unit_webhooks ORDER BY unit_id, id").fetch_all(&self.pool).await?,
                };
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn get_webhook(&self, id: Id) -> Result<crate::storage::UnitWebhook> {
                let row: Option<notify::WebhookRow> = sqlx::query_as("SELECT * FROM unit_webhooks WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?;
                row.ok_or(StoreError::NotFound { entity: "webhook", id })?.try_into()
            }

            async fn create_webhook(
                &self,
                unit_id: Id,
                new: &crate::storage::NewWebhook,
            ) -> Result<crate::storage::UnitWebhook> {
                new.validate()?;
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let mut inv = Invalid::default();
                Self::check_refs(&mut *tx, &mut inv, "units", "unit_id", "unit", &[unit_id]).await?;
                inv.into_result(())?;
                let row: notify::WebhookRow = sqlx::query_as(
                    "INSERT INTO unit_webhooks (unit_id, kind, url, secret, enabled, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING *",
                )
                .bind(unit_id)
                .bind(new.kind.as_str())
                .bind(new.url.trim())
                .bind(new.secret.trim())
                .bind(new.enabled)
                .bind(now())
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                row.try_into()
            }

            async fn delete_webhook(&self, id: Id) -> Result<()> {
                let _w = self.write_guard().await;
                let done = sqlx::query("DELETE FROM unit_webhooks WHERE id = $1").bind(id).execute(&self.pool).await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound { entity: "webhook", id });
                }
                Ok(())
            }
        }
    };
}

/// Unacknowledged notifications in an account's inbox (also read with the
/// session, so the page header shows it without another round trip).
pub(super) const UNREAD_COUNT: &str =
    "SELECT COUNT(*) FROM deliveries d JOIN notifications n ON n.id = d.notification_id \
    WHERE d.channel = 'in_app' AND d.user_id = $1 AND n.acknowledged_at IS NULL";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn robot_urls_lose_their_token_in_the_record() {
        assert_eq!(
            redact("https://oapi.dingtalk.com/robot/send?access_token=secret"),
            "https://oapi.dingtalk.com/robot/send"
        );
        assert_eq!(
            redact("https://open.feishu.cn/open-apis/bot/v2/hook/abc"),
            "https://open.feishu.cn/open-apis/bot/v2/hook/abc"
        );
    }

    #[test]
    fn each_account_gets_an_inbox_row_and_mail_only_with_an_address() {
        let d = recipients(
            vec![(1, Some("a@zq.gov".into())), (2, None), (3, Some(" ".into()))],
            vec![(9, "wecom".into(), "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k".into())],
        );
        let got: Vec<_> = d.iter().map(|d| (d.channel, d.user_id, d.webhook_id, d.target.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (Channel::InApp, Some(1), None, ""),
                (Channel::Email, Some(1), None, "a@zq.gov"),
                (Channel::InApp, Some(2), None, ""),
                (Channel::InApp, Some(3), None, ""),
                (Channel::Wecom, None, Some(9), "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"),
            ]
        );
    }

    #[test]
    fn stored_errors_are_one_bounded_line() {
        assert_eq!(error_line("a\r\nb"), "a  b");
        assert_eq!(error_line(&"错".repeat(2000)).chars().count(), 1000);
    }
}
