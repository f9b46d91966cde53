//! The delivery worker: claims due deliveries, sends them, records the
//! outcome. `serve` runs one in the background; tests call
//! [`Worker::run_once`] with the time they want, so nothing sleeps.
//!
//! Delivery is exactly once while workers live: a claim leases the row, and
//! only the lease holder may record the outcome. A worker that dies between
//! sending and recording leaves a lease that runs out, and the row is sent
//! again by whoever claims it next — at least once, never lost.

use super::email::{is_email_address, Mailer};
use super::{webhook, Message};
use crate::storage::{Channel, ClaimedDelivery, Store, StoreError};
use chrono::{DateTime, Utc};
use futures_util::stream::{self, StreamExt};
use rand::Rng;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Sends in flight at once within a round.
const SENDS_AT_ONCE: usize = 8;

/// How the worker sends. [`Config::default`] holds the production values.
#[derive(Debug, Clone)]
pub struct Config {
    /// The SMTP relay (`TUIJIN_SMTP_URL`); without one, e-mail deliveries
    /// fail at once with that reason rather than wait for a relay that may
    /// never be configured.
    pub smtp_url: Option<String>,
    /// The sender (`TUIJIN_SMTP_FROM`), e.g. `推进系统 <tuijin@zq.gov.cn>`.
    pub smtp_from: String,
    /// The address people open the site at (`TUIJIN_PUBLIC_URL`), to make
    /// links absolute; empty leaves links out of e-mails and robot messages.
    pub public_url: String,
    /// Names this worker in the leases it takes; unique per process.
    pub worker_id: String,
    /// Deliveries claimed per round.
    pub batch: i64,
    /// How long a claim keeps other workers away: longer than a round may
    /// take (`batch` / 8 sends in a row, each at most `timeout`), so a live
    /// worker never loses its rows.
    pub lease: Duration,
    /// Pause between rounds when there was nothing (more) to do.
    pub poll: Duration,
    /// For one SMTP conversation or one robot request.
    pub timeout: Duration,
    /// Attempts before a delivery is given up (`failed`).
    pub max_attempts: i64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            smtp_url: None,
            smtp_from: "tuijin@localhost".into(),
            public_url: String::new(),
            worker_id: default_worker_id(),
            batch: 32,
            lease: Duration::from_secs(300),
            poll: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_attempts: 10,
        }
    }
}

/// `host-pid-random`: tells the servers sharing a database apart in the
/// deliveries' `claimed_by`.
pub fn default_worker_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "tuijin".into());
    format!("{host}-{}-{:08x}", std::process::id(), rand::thread_rng().gen::<u32>())
}

/// The wait after the n-th failed attempt (n ≥ 1): one minute, doubling,
/// at most six hours. With the default ten attempts a delivery is retried
/// for about eight and a half hours — a relay or robot down for a working
/// day — before it is given up.
pub fn backoff(failures: i64) -> Duration {
    let exponent = failures.clamp(1, 20) - 1;
    Duration::from_secs(60u64.saturating_mul(1 << exponent)).min(Duration::from_secs(6 * 3600))
}

/// Up to 10 % more, so deliveries that failed together (a relay went down)
/// do not all come back in the same second.
fn jittered(d: Duration) -> Duration {
    d.mul_f64(1.0 + rand::thread_rng().gen_range(0.0..0.1))
}

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub claimed: usize,
    pub sent: usize,
    /// Failed this time, to be tried again later.
    pub retrying: usize,
    /// Given up.
    pub failed: usize,
    /// Sent or failed, but the lease had been taken over meanwhile, so the
    /// outcome was not recorded.
    pub lost: usize,
}

/// Why a send did not succeed, and whether trying again could help.
struct Failure {
    message: String,
    permanent: bool,
}

impl Failure {
    fn retry(message: impl Into<String>) -> Failure {
        Failure { message: message.into(), permanent: false }
    }

    fn give_up(message: impl Into<String>) -> Failure {
        Failure { message: message.into(), permanent: true }
    }
}

enum Outcome {
    Sent,
    Retrying,
    Failed,
}

pub struct Worker {
    store: Arc<dyn Store>,
    config: Config,
    mailer: Option<Mailer>,
    http: reqwest::Client,
}

impl Worker {
    pub fn new(store: Arc<dyn Store>, config: Config) -> anyhow::Result<Worker> {
        let mailer = match &config.smtp_url {
            Some(url) if !url.trim().is_empty() => Some(Mailer::new(url.trim(), &config.smtp_from, config.timeout)?),
            _ => None,
        };
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .user_agent(concat!("tuijin/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Worker { store, config, mailer, http })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Claims up to `batch` deliveries due at `now`, sends them (a few at once) and
    /// records each outcome as it comes; failures are retried from `now`
    /// plus the backoff.
    pub async fn run_once(&self, now: DateTime<Utc>) -> Result<Round, StoreError> {
        let lease = chrono::Duration::from_std(self.config.lease).unwrap_or(chrono::Duration::minutes(5));
        let claimed = self.store.claim_deliveries(&self.config.worker_id, now, self.config.batch, lease).await?;
        let mut round = Round { claimed: claimed.len(), ..Round::default() };
        // A few at a time, so a relay or a robot (DingTalk takes 20 a
        // minute) is not flooded by a full batch. (Collected first: a lazy
        // `map` here makes the spawned worker fail the `Send` proof.)
        let sends: Vec<_> = claimed.iter().map(|d| self.deliver(d, now)).collect();
        let mut outcomes = stream::iter(sends).buffer_unordered(SENDS_AT_ONCE);
        // A storage error does not cut the round short: dropping the other
        // sends mid-way could deliver them without a record, hence twice.
        let mut first_error = None;
        while let Some(outcome) = outcomes.next().await {
            match outcome {
                Ok((_, false)) => round.lost += 1,
                Ok((Outcome::Sent, true)) => round.sent += 1,
                Ok((Outcome::Retrying, true)) => round.retrying += 1,
                Ok((Outcome::Failed, true)) => round.failed += 1,
                Err(e) => first_error = first_error.or(Some(e)),
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(round),
        }
    }

    /// Sends one delivery and records the outcome; the flag says whether
    /// this worker still held the lease to record it.
    async fn deliver(&self, d: &ClaimedDelivery, now: DateTime<Utc>) -> Result<(Outcome, bool), StoreError> {
        let worker = self.config.worker_id.as_str();
        let failure = match self.send(d).await {
            Ok(()) => return Ok((Outcome::Sent, self.store.mark_sent(d.id, worker, now).await?)),
            Err(f) => f,
        };
        let attempts = d.attempts + 1;
        let retry_at = (!failure.permanent && attempts < self.config.max_attempts).then(|| {
            now + chrono::Duration::from_std(jittered(backoff(attempts))).unwrap_or(chrono::Duration::hours(6))
        });
        tracing::warn!(
            delivery = d.id, channel = d.channel.as_str(), attempts, error = %failure.message,
            retry_at = ?retry_at, "reminder delivery failed"
        );
        let kept = self.store.mark_failed(d.id, worker, &failure.message, retry_at).await?;
        Ok((if retry_at.is_some() { Outcome::Retrying } else { Outcome::Failed }, kept))
    }

    async fn send(&self, d: &ClaimedDelivery) -> Result<(), Failure> {
        let message = Message::new(&d.title, &d.body, &d.link, &self.config.public_url);
        if let Some(robot) = d.channel.robot() {
            let url = d.target.as_deref().ok_or_else(|| Failure::give_up("the robot was deleted or disabled"))?;
            // Robots check the signing time against their own clock: the real one, not `now`.
            let req = webhook::request(robot, url, &d.secret, &message, Utc::now().timestamp_millis());
            let res =
                self.http.post(&req.url).json(&req.body).send().await.map_err(|e| Failure::retry(error_chain(&e)))?;
            let status = res.status().as_u16();
            let body = res.text().await.map_err(|e| Failure::retry(error_chain(&e)))?;
            return webhook::check_answer(status, &body).map_err(Failure::retry);
        }
        match d.channel {
            Channel::Email => {
                let mailer = self
                    .mailer
                    .as_ref()
                    .ok_or_else(|| Failure::give_up("no SMTP relay configured (TUIJIN_SMTP_URL)"))?;
                let to = d.target.as_deref().unwrap_or_default();
                if !is_email_address(to) {
                    return Err(Failure::give_up(format!("not an e-mail address: {to}")));
                }
                mailer.send(to, &message).await.map_err(Failure::retry)
            }
            // In-app deliveries are sent when written; one here has nothing to do.
            _ => Ok(()),
        }
    }
}

/// reqwest's error with its causes ("error sending request: connection refused").
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// The background worker of a server.
pub struct WorkerHandle {
    stop: watch::Sender<bool>,
    join: JoinHandle<()>,
}

impl WorkerHandle {
    /// Lets the round in progress finish — so what it sent is recorded —
    /// and ends the worker.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        if tokio::time::timeout(Duration::from_secs(60), self.join).await.is_err() {
            tracing::warn!("the reminder worker did not stop within a minute");
        }
    }
}

/// Starts the worker on the runtime: a round, then a pause of `poll`
/// unless the round was full (more may be waiting).
pub fn spawn_worker(store: Arc<dyn Store>, config: Config) -> anyhow::Result<WorkerHandle> {
    let worker = Worker::new(store, config)?;
    let (stop, mut stopped) = watch::channel(false);
    tracing::info!(worker = %worker.config.worker_id, smtp = worker.mailer.is_some(), "reminder worker started");
    let join = tokio::spawn(async move {
        loop {
            let full = match worker.run_once(Utc::now()).await {
                Ok(r) => {
                    if r.claimed > 0 {
                        tracing::info!(
                            sent = r.sent,
                            retrying = r.retrying,
                            failed = r.failed,
                            lost = r.lost,
                            "reminders delivered"
                        );
                    }
                    r.claimed as i64 >= worker.config.batch
                }
                Err(e) => {
                    tracing::error!(error = %e, "reminder worker: storage error");
                    false
                }
            };
            if full && !*stopped.borrow() {
                continue;
            }
            tokio::select! {
                _ = tokio::time::sleep(worker.config.poll) => {}
                _ = stopped.changed() => break,
            }
        }
    });
    Ok(WorkerHandle { stop, join })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_a_minute_up_to_six_hours() {
        let minutes: Vec<u64> = (1..=11).map(|n| backoff(n).as_secs() / 60).collect();
        assert_eq!(minutes, [1, 2, 4, 8, 16, 32, 64, 128, 256, 360, 360]);
        assert_eq!(backoff(0), backoff(1));
        assert_eq!(backoff(i64::MAX).as_secs(), 6 * 3600);
    }

    #[test]
    fn jitter_adds_at_most_a_tenth() {
        for _ in 0..100 {
            let j = jittered(Duration::from_secs(600)).as_secs_f64();
            assert!((600.0..660.0).contains(&j), "{j}");
        }
    }

    #[test]
    fn worker_ids_differ_between_workers() {
        assert_ne!(default_worker_id(), default_worker_id());
    }
}
