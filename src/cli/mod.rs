//! The command line: one enum of commands, one module per command.

mod accounts;
mod import;
mod report;
mod serve;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(name = "tuijin", version, about = "推进 — key-task supervision: the ledger, its API and its tools")]
pub struct Cli {
    /// SQLite file or URL (sqlite:…), or postgres://… for PostgreSQL.
    #[arg(long, env = "TUIJIN_DATABASE_URL", default_value = "tuijin.db", global = true)]
    pub database_url: String,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the server (applies migrations first).
    Serve(serve::ServeArgs),
    /// Apply the embedded database migrations and exit.
    Migrate,
    /// Load the demo district (二七区) into an empty database.
    Demo,
    /// Manage accounts.
    #[command(subcommand)]
    User(accounts::UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(accounts::TokenCommand),
    /// Bring an Excel ledger (.xlsx) in: prints every problem by sheet, row
    /// and column; writes all rows or none.
    Import(import::ImportArgs),
    /// Write a document (督查通报, 工作专报, 会议纪要) as Word, Excel or HTML.
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// Write a consistent copy of a live SQLite database to FILE.
    Backup {
        /// Where to write the copy; must not exist yet.
        file: std::path::PathBuf,
    },
}

/// Parses the command line and runs the command.
pub async fn run() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tuijin: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn execute(cli: Cli) -> anyhow::Result<()> {
    let store = crate::storage::connect(&cli.database_url).await?;
    match cli.command {
        Command::Serve(args) => serve::run(store, args).await,
        Command::Migrate => {
            println!("migrations applied ({})", store.backend());
            Ok(())
        }
        Command::Demo => {
            let loaded = crate::demo::load(store.as_ref(), crate::http::today()).await?;
            println!("{}", serve::describe_demo(&loaded));
            Ok(())
        }
        Command::User(cmd) => accounts::user(store.as_ref(), cmd).await,
        Command::Token(cmd) => accounts::token(store.as_ref(), cmd).await,
        Command::Import(args) => import::run(store, args).await,
        Command::Report(cmd) => report::run(store, cmd).await,
        Command::Backup { file } => {
            if file.exists() {
                anyhow::bail!("{} already exists; choose a new file", file.display());
            }
            let path = file.to_str().ok_or_else(|| anyhow::anyhow!("the backup path must be UTF-8"))?;
            store.backup_to(path).await?;
            println!("backup written to {}", file.display());
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn database_url_defaults_to_a_local_file() {
        let cli = Cli::try_parse_from(["tuijin", "migrate"]).unwrap();
        if std::env::var_os("TUIJIN_DATABASE_URL").is_none() {
            assert_eq!(cli.database_url, "tuijin.db");
        }
        let cli = Cli::try_parse_from(["tuijin", "serve", "--demo", "--listen", "127.0.0.1:0"]).unwrap();
        assert!(matches!(cli.command, Command::Serve(ref a) if a.demo && a.listen == "127.0.0.1:0"));
    }
}
