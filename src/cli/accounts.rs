//! `tuijin user …` and `tuijin token …`.

use crate::storage::Store;
use anyhow::{bail, Context};
use clap::Subcommand;
use std::io::BufRead;
use tuijin_domain::access::Role;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account.
    Add {
        username: String,
        /// admin, supervisor, leader or liaison.
        #[arg(long)]
        role: String,
        /// The unit of a liaison: its name or id.
        #[arg(long)]
        unit: Option<String>,
        #[arg(long, default_value = "")]
        display_name: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts.
    List,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token and print it (only the token, for scripts).
    Create {
        #[arg(long)]
        user: String,
        /// A label to recognise the token by.
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

pub async fn user(store: &dyn Store, cmd: UserCommand) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Add { username, role, unit, display_name, password_stdin } => {
            let role = Role::parse(&role)
                .with_context(|| format!("unknown role {role:?}: admin, supervisor, leader or liaison"))?;
            let unit_id = match unit {
                Some(u) => Some(find_unit(store, &u).await?),
                None => None,
            };
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                Some(line.trim_end_matches(['\r', '\n']).to_string())
            } else {
                None
            };
            let body = crate::http::NewUserBody { username, display_name, role, unit_id, password };
            let new = crate::http::parse_new_user(body)
                .map_err(|e| anyhow::anyhow!(e.body(tuijin_domain::Lang::En).message))?;
            let user = store.create_user(new).await.map_err(|e| match e {
                crate::storage::StoreError::Invalid(i) => anyhow::anyhow!("{i}"),
                other => other.into(),
            })?;
            println!("user {} created ({})", user.username, user.role.as_str());
        }
        UserCommand::List => {
            for u in store.list_users().await? {
                println!("{}\t{}\t{}\t{}", u.id, u.username, u.role.as_str(), u.display_name);
            }
        }
    }
    Ok(())
}

async fn find_unit(store: &dyn Store, name_or_id: &str) -> anyhow::Result<i64> {
    let units = store.list_units().await?;
    if let Some(u) = units.iter().find(|u| u.fields.name == name_or_id || u.id.to_string() == name_or_id) {
        return Ok(u.id);
    }
    bail!("no unit named {name_or_id:?}")
}

pub async fn token(store: &dyn Store, cmd: TokenCommand) -> anyhow::Result<()> {
    match cmd {
        TokenCommand::Create { user, name } => {
            let Some(u) = store.find_user(&user).await? else { bail!("no user named {user:?}") };
            let token = crate::auth::new_token();
            store.create_token(u.id, &crate::auth::token_hash(&token), &name).await?;
            println!("{token}");
        }
    }
    Ok(())
}
