//! `tuijin serve`: the server, optionally with the demo district loaded.

use crate::credentials::signin::SignIn;
use crate::demo::{self, Loaded};
use crate::http::{self, AppState};
use crate::storage::Store;
use anyhow::Context;
use clap::Args;
use std::sync::Arc;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "TUIJIN_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Load the demo district first if the database is empty.
    #[arg(long)]
    pub demo: bool,
    /// Reverse proxies whose X-Forwarded-For is believed, as addresses or
    /// networks ("10.0.0.5,10.1.0.0/16"). Without it every client behind a
    /// proxy has the proxy's address, and the sign-in throttle counts them
    /// as one.
    #[arg(long = "trusted-proxy", env = "TUIJIN_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: String,
    #[command(flatten)]
    pub reminders: ReminderArgs,
    #[command(flatten)]
    pub supervision: SupervisionArgs,
}

/// The thresholds of the lamps and the timing of reminders.
#[derive(Debug, Args)]
pub struct SupervisionArgs {
    /// Lamps: a milestone due within this many days and behind plan is yellow (N).
    #[arg(long, env = "TUIJIN_LAMP_WARNING_DAYS", default_value_t = 7)]
    pub lamp_warning_days: i64,
    /// Lamps: progress more than this many points behind the planned path is yellow (X).
    #[arg(long, env = "TUIJIN_LAMP_BEHIND_POINTS", default_value_t = 10.0)]
    pub lamp_behind_points: f64,
    /// Lamps: a late report alone turns the lamp yellow (on/off).
    #[arg(long, env = "TUIJIN_LAMP_LATE_REPORT_YELLOW", default_value = "on", action = clap::ArgAction::Set,
        value_parser = clap::builder::BoolishValueParser::new())]
    pub lamp_late_report_yellow: bool,
    /// Reminders: decide who to chase every this many seconds.
    #[arg(long, env = "TUIJIN_REMIND_EVERY", default_value_t = 300)]
    pub remind_every: u64,
    /// Reminders: remind a unit this many hours before its report deadline.
    #[arg(long, env = "TUIJIN_REMIND_BEFORE_HOURS", default_value_t = 24)]
    pub remind_before_hours: i64,
    /// Reminders: escalate to the responsible leaders when a late-report
    /// reminder is not acknowledged within this many hours.
    #[arg(long, env = "TUIJIN_ESCALATE_AFTER_HOURS", default_value_t = 48)]
    pub escalate_after_hours: i64,
}

impl SupervisionArgs {
    pub fn lamp_config(&self) -> anyhow::Result<tuijin_domain::lamp::LampConfig> {
        let c = tuijin_domain::lamp::LampConfig {
            milestone_warning_days: self.lamp_warning_days,
            behind_points: self.lamp_behind_points,
            report_late_is_yellow: self.lamp_late_report_yellow,
        };
        c.validate().map_err(|e| {
            anyhow::anyhow!(
                "lamp settings: {}",
                e.0.iter().map(|x| x.message(tuijin_domain::Lang::En)).collect::<Vec<_>>().join("; ")
            )
        })
    }

    pub fn reminder_config(&self) -> tuijin_domain::reminder::ReminderConfig {
        tuijin_domain::reminder::ReminderConfig {
            before_hours: self.remind_before_hours,
            escalate_after_hours: self.escalate_after_hours,
        }
    }
}

/// The delivery of reminders (see `crate::notify`).
#[derive(Debug, Args)]
pub struct ReminderArgs {
    /// Run the reminder worker in this server (on/off). With several
    /// servers on one database, any number may run it: each reminder is
    /// still sent once.
    #[arg(long = "worker", env = "TUIJIN_WORKER", default_value = "on", action = clap::ArgAction::Set,
        value_parser = clap::builder::BoolishValueParser::new())]
    pub worker: bool,
    /// SMTP relay for reminder e-mails: smtp://relay:25, smtp://relay:587?tls=required, smtps://relay:465
    /// (user:password@ before the host when the relay wants a login). Without it, no e-mail is sent.
    #[arg(long, env = "TUIJIN_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// Sender of reminder e-mails, e.g. "推进系统 <tuijin@zq.gov.cn>".
    #[arg(long, env = "TUIJIN_SMTP_FROM", default_value = "tuijin@localhost")]
    pub smtp_from: String,
    /// The address people open the site at, for the links in e-mails and
    /// robot messages (default: http:// and the listen address).
    #[arg(long, env = "TUIJIN_PUBLIC_URL")]
    pub public_url: Option<String>,
}

pub async fn run(store: Arc<dyn Store>, args: ServeArgs) -> anyhow::Result<()> {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "tuijin=info,warn".into()),
        )
        .try_init();
    if args.demo {
        if store.is_empty().await? {
            let loaded = demo::load(store.as_ref(), http::today()).await?;
            println!("{}", describe_demo(&loaded));
        } else {
            println!("the database already holds a ledger; the demo was not loaded again");
        }
        println!("demo accounts (password {}):", demo::PASSWORD);
        for (user, name, role, _) in demo::ACCOUNTS {
            println!("  {user:<12} {:<10} {name}", role.as_str());
        }
    }
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr()?;
    println!("tuijin listening on http://{addr} ({} database)", store.backend());
    println!("API: http://{addr}/api/v1  (OpenAPI: http://{addr}/api/v1/openapi.json)");
    let mut state = AppState::new(store.clone());
    state.lamp_config = Arc::new(args.supervision.lamp_config()?);
    let proxies = SignIn::parse_proxies(&args.trusted_proxies).map_err(|e| anyhow::anyhow!("--trusted-proxy: {e}"))?;
    state.signin = Arc::new(SignIn::new(proxies));
    // Behind HTTPS the browser must never send the session in clear.
    state.secure_cookies = args.reminders.public_url.as_deref().is_some_and(|u| u.starts_with("https://"));
    let worker = if args.reminders.worker {
        let config = crate::notify::Config {
            smtp_url: args.reminders.smtp_url.clone(),
            smtp_from: args.reminders.smtp_from.clone(),
            public_url: args.reminders.public_url.clone().unwrap_or_else(|| format!("http://{addr}")),
            ..Default::default()
        };
        Some(crate::notify::spawn_worker(store.clone(), config)?)
    } else {
        None
    };
    // Deciding who to chase runs where delivery does; dedupe keys keep
    // several servers from queueing a reminder twice.
    let rounds = worker.is_some().then(|| {
        crate::supervision::reminders::spawn(
            store.clone(),
            state.board.clone(),
            state.lamp_config.clone(),
            args.supervision.reminder_config(),
            std::time::Duration::from_secs(args.supervision.remind_every.max(10)),
        )
    });
    let served = http::serve(listener, state).await;
    if let Some(r) = rounds {
        r.abort();
    }
    if let Some(w) = worker {
        w.stop().await;
    }
    served?;
    Ok(())
}

pub fn describe_demo(l: &Loaded) -> String {
    format!(
        "demo district loaded: {} units, {} people, {} key works, {} tasks, {} milestones, {} relations, {} accounts, \
         {} progress reports, {} instructions, {} extension requests, {} meetings",
        l.units,
        l.people,
        l.key_works,
        l.tasks,
        l.milestones,
        l.relations,
        l.accounts,
        l.reports,
        l.instructions,
        l.extensions,
        l.meetings
    )
}

#[cfg(test)]
mod tests {
    use crate::cli::{Cli, Command};
    use clap::Parser;

    #[test]
    fn the_reminder_worker_is_on_unless_switched_off() {
        let parse = |args: &[&str]| match Cli::try_parse_from(args).unwrap().command {
            Command::Serve(a) => a.reminders,
            _ => unreachable!(),
        };
        if std::env::var_os("TUIJIN_WORKER").is_none() {
            assert!(parse(&["tuijin", "serve"]).worker);
        }
        let r =
            parse(&["tuijin", "serve", "--worker", "off", "--smtp-url", "smtp://relay:25", "--public-url", "http://t"]);
        assert!(!r.worker);
        assert_eq!((r.smtp_url.as_deref(), r.public_url.as_deref()), (Some("smtp://relay:25"), Some("http://t")));
    }
}
