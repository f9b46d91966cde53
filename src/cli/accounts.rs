//! `tuijin user …` and `tuijin token …`: the operator's way to accounts
//! and API tokens, through the same services as the pages and the API
//! (acting as the system, which has an administrator's rights).

use crate::credentials::tokens::{self, TokenRequest};
use crate::storage::{system_actor, Store, User};
use anyhow::{bail, Context};
use clap::Subcommand;
use std::io::BufRead;
use tuijin_domain::access::Role;
use tuijin_domain::Lang;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. Without --password-stdin a strong password is
    /// made and printed once; --no-password makes an account that can use
    /// only API tokens.
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
        #[arg(long, conflicts_with = "no_password")]
        password_stdin: bool,
        /// No password: the account signs in only with API tokens.
        #[arg(long)]
        no_password: bool,
    },
    /// List accounts.
    List,
    /// Set an account's password from the first line of standard input;
    /// ends all its browser sessions.
    Password { username: String },
    /// End every browser session of an account and revoke all its API tokens.
    SignOut { username: String },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token and print it (only the token, for scripts). It
    /// is shown this once; the database keeps only its hash.
    Create {
        #[arg(long)]
        user: String,
        /// What the token is for, to recognise it by.
        #[arg(long, default_value = "cli")]
        name: String,
        /// Days until it stops working (default: until revoked).
        #[arg(long)]
        expires_in_days: Option<u32>,
    },
    /// List API tokens (of one account with --user): id, account, name,
    /// created, expires, last used.
    List {
        #[arg(long)]
        user: Option<String>,
    },
    /// Revoke an API token by its id: it stops working at once.
    Revoke { id: i64 },
}

async fn account(store: &dyn Store, username: &str) -> anyhow::Result<User> {
    store.find_user(username).await?.with_context(|| format!("no user named {username:?}"))
}

/// A service refusal as one English sentence.
fn sentence(e: crate::http::ApiError) -> anyhow::Error {
    anyhow::anyhow!(e.body(Lang::En).message)
}

fn read_password() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// A password nobody will guess: 16 characters from an alphabet without
/// look-alikes (no 0/O, 1/l/I), about 90 bits.
fn generated_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..16).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}

pub async fn user(store: &dyn Store, cmd: UserCommand) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Add { username, role, unit, display_name, password_stdin, no_password } => {
            let role = Role::parse(&role)
                .with_context(|| format!("unknown role {role:?}: admin, supervisor, leader or liaison"))?;
            let unit_id = match unit {
                Some(u) => Some(find_unit(store, &u).await?),
                None => None,
            };
            let (password, generated) = match (password_stdin, no_password) {
                (true, _) => (Some(read_password()?), false),
                (false, true) => (None, false),
                (false, false) => (Some(generated_password()), true),
            };
            let shown = password.clone().filter(|_| generated);
            let body = crate::http::NewUserBody { username, display_name, role, unit_id, password };
            let new = crate::http::parse_new_user(body).map_err(sentence)?;
            let user = store.create_user(new).await.map_err(|e| sentence(e.into()))?;
            println!("user {} created ({})", user.username, user.role.as_str());
            if let Some(p) = shown {
                println!("password: {p}");
                println!("(shown once: pass it on safely; it can be changed under 我的账号 / My account)");
            }
        }
        UserCommand::List => {
            for u in store.list_users().await? {
                let state = if u.disabled { "disabled" } else { "" };
                println!("{}\t{}\t{}\t{}\t{state}", u.id, u.username, u.role.as_str(), u.display_name);
            }
        }
        UserCommand::Password { username } => {
            let u = account(store, &username).await?;
            let password = read_password()?;
            crate::credentials::passwords::set(store, &system_actor(), u.id, &u.username, password, None)
                .await
                .map_err(sentence)?;
            println!("password of {} set; its browser sessions were ended", u.username);
        }
        UserCommand::SignOut { username } => {
            let u = account(store, &username).await?;
            let (sessions, tokens) =
                tokens::sign_out_everywhere(store, &system_actor(), u.id).await.map_err(sentence)?;
            println!("{}: {sessions} sessions ended, {tokens} API tokens revoked", u.username);
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

fn when(at: Option<chrono::DateTime<chrono::Utc>>, none: &str) -> String {
    at.map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_else(|| none.to_string())
}

pub async fn token(store: &dyn Store, cmd: TokenCommand) -> anyhow::Result<()> {
    let system = system_actor();
    match cmd {
        TokenCommand::Create { user, name, expires_in_days } => {
            let u = account(store, &user).await?;
            let req = TokenRequest { user_id: Some(u.id), name, expires_in_days };
            let made = tokens::create(store, &system, req, chrono::Utc::now()).await.map_err(sentence)?;
            println!("{}", made.secret);
        }
        TokenCommand::List { user } => {
            let user_id = match user {
                Some(name) => Some(account(store, &name).await?.id),
                None => None,
            };
            let list = tokens::list(store, &system, user_id, user_id.is_none()).await.map_err(sentence)?;
            println!("id\taccount\tname\tcreated\texpires\tlast used");
            for t in list {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    t.id,
                    t.username,
                    t.name,
                    when(Some(t.created_at), ""),
                    when(t.expires_at, "never"),
                    when(t.last_used_at, "unused")
                );
            }
        }
        TokenCommand::Revoke { id } => {
            let t = tokens::revoke(store, &system, id).await.map_err(sentence)?;
            println!("token {} ({}, of {}) revoked", t.id, t.name, t.username);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_pass_the_policy_and_differ() {
        let (a, b) = (generated_password(), generated_password());
        assert_ne!(a, b);
        assert_eq!(a.chars().count(), 16);
        assert!(tuijin_domain::password::check(&a, "admin").is_ok());
    }
}
