//! `tuijin serve`: the server, optionally with the demo district loaded.

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
    http::serve(listener, AppState::new(store)).await?;
    Ok(())
}

pub fn describe_demo(l: &Loaded) -> String {
    format!(
        "demo district loaded: {} units, {} people, {} key works, {} tasks, {} milestones, {} relations, {} accounts",
        l.units, l.people, l.key_works, l.tasks, l.milestones, l.relations, l.accounts
    )
}
