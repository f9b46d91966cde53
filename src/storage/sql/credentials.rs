//! Tokens, passwords, sessions, the sign-in throttle's counts and shared
//! secrets (see `storage::credentials`).

use super::ApiToken;
use chrono::{DateTime, Utc};
use tuijin_domain::history::FieldChange;

/// Columns of [`ApiToken`], joined with the account's username.
pub(super) const TOKEN_SELECT: &str =
    "SELECT t.id, t.user_id, u.username, t.name, t.created_at, t.expires_at, t.last_used_at \
     FROM api_tokens t JOIN users u ON u.id = t.user_id";

pub(super) type TokenRow = (i64, i64, String, String, DateTime<Utc>, Option<DateTime<Utc>>, Option<DateTime<Utc>>);

pub(super) fn token_of(r: TokenRow) -> ApiToken {
    ApiToken { id: r.0, user_id: r.1, username: r.2, name: r.3, created_at: r.4, expires_at: r.5, last_used_at: r.6 }
}

/// One history line about an account's credentials (never the secret).
pub(super) fn credential_change(field: &str, old: Option<String>, new: Option<String>) -> FieldChange {
    FieldChange { field: field.to_string(), old, new }
}

macro_rules! impl_credential_store {
    ($DB:ty) => {
        impl SqlStore<$DB> {
            async fn end_sessions_in(
                conn: &mut <$DB as sqlx::Database>::Connection,
                user_id: Id,
                keep_session: Option<&str>,
            ) -> Result<u64> {
                let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
                    .bind(user_id)
                    .bind(keep_session.unwrap_or(""))
                    .execute(&mut *conn)
                    .await?;
                Ok(done.rows_affected())
            }

            async fn user_exists(conn: &mut <$DB as sqlx::Database>::Connection, user_id: Id) -> Result<()> {
                let found: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM users WHERE id = $1").bind(user_id).fetch_optional(&mut *conn).await?;
                found.map(|_| ()).ok_or(StoreError::NotFound { entity: "user", id: user_id })
            }
        }

        #[async_trait]
        impl CredentialStore for SqlStore<$DB> {
            async fn create_token(&self, by: &Actor, new: NewToken) -> Result<ApiToken> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                Self::user_exists(&mut *tx, new.user_id).await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO api_tokens (user_id, token_hash, name, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(new.user_id)
                .bind(&new.token_hash)
                .bind(&new.name)
                .bind(now())
                .bind(new.expires_at)
                .fetch_one(&mut *tx)
                .await?;
                let change = credential_change("api_token", None, Some(format!("#{id} {}", new.name)));
                Self::history(&mut *tx, by, "user", new.user_id, None, "update", &[change]).await?;
                let row: TokenRow = sqlx::query_as(&format!("{TOKEN_SELECT} WHERE t.id = $1")).bind(id).fetch_one(&mut *tx).await?;
                tx.commit().await?;
                Ok(token_of(row))
            }

            async fn list_tokens(&self, user_id: Option<Id>) -> Result<Vec<ApiToken>> {
                let rows: Vec<TokenRow> = match user_id {
                    Some(u) => sqlx::query_as(&format!("{TOKEN_SELECT} WHERE t.user_id = $1 ORDER BY t.id DESC"))
                        .bind(u)
                        .fetch_all(&self.pool)
                        .await?,
                    None => sqlx::query_as(&format!("{TOKEN_SELECT} ORDER BY t.id DESC")).fetch_all(&self.pool).await?,
                };
                Ok(rows.into_iter().map(token_of).collect())
            }

            async fn get_token(&self, id: Id) -> Result<ApiToken> {
                let row: Option<TokenRow> =
                    sqlx::query_as(&format!("{TOKEN_SELECT} WHERE t.id = $1")).bind(id).fetch_optional(&self.pool).await?;
                row.map(token_of).ok_or(StoreError::NotFound { entity: "api_token", id })
            }

            async fn revoke_token(&self, by: &Actor, id: Id) -> Result<()> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let row: Option<(i64, String)> = sqlx::query_as("DELETE FROM api_tokens WHERE id = $1 RETURNING user_id, name")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some((user_id, name)) = row else { return Err(StoreError::NotFound { entity: "api_token", id }) };
                let change = credential_change("api_token", Some(format!("#{id} {name}")), None);
                Self::history(&mut *tx, by, "user", user_id, None, "update", &[change]).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn token_actor(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<TokenActor>> {
                let row: Option<(i64, Option<DateTime<Utc>>, Option<DateTime<Utc>>, i64, String, String, String, Option<i64>)> =
                    sqlx::query_as(
                        "SELECT t.id, t.expires_at, t.last_used_at, u.id, u.username, u.display_name, u.role, u.unit_id \
                         FROM api_tokens t JOIN users u ON u.id = t.user_id \
                         WHERE t.token_hash = $1 AND NOT u.disabled AND (t.expires_at IS NULL OR t.expires_at > $2)",
                    )
                    .bind(token_hash)
                    .bind(now)
                    .fetch_optional(&self.pool)
                    .await?;
                let Some((token_id, expires_at, last_used_at, user_id, username, display_name, role, unit_id)) = row else {
                    return Ok(None);
                };
                let role = Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("user {user_id}: role")))?;
                let actor = Actor {
                    user_id,
                    display_name: if display_name.is_empty() { username.clone() } else { display_name },
                    username,
                    role,
                    unit_id,
                };
                Ok(Some(TokenActor { actor, token_id, expires_at, last_used_at }))
            }

            async fn touch_token(&self, id: Id, at: DateTime<Utc>) -> Result<()> {
                let _w = self.write_guard().await;
                sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2").bind(at.trunc_subsecs(6)).bind(id).execute(&self.pool).await?;
                Ok(())
            }

            async fn set_password(&self, by: &Actor, user_id: Id, hash: &str, keep_session: Option<&str>) -> Result<()> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                    .bind(hash)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound { entity: "user", id: user_id });
                }
                let ended = Self::end_sessions_in(&mut *tx, user_id, keep_session).await?;
                let changes = [
                    credential_change("password", None, Some(if by.user_id == user_id { "changed" } else { "reset" }.into())),
                    credential_change("sessions", Some(ended.to_string()), Some("0".into())),
                ];
                Self::history(&mut *tx, by, "user", user_id, None, "update", &changes[..if ended > 0 { 2 } else { 1 }]).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn end_sessions(&self, by: &Actor, user_id: Id, keep_session: Option<&str>) -> Result<u64> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                Self::user_exists(&mut *tx, user_id).await?;
                let ended = Self::end_sessions_in(&mut *tx, user_id, keep_session).await?;
                if ended > 0 {
                    let change = credential_change("sessions", Some(ended.to_string()), Some("0".into()));
                    Self::history(&mut *tx, by, "user", user_id, None, "update", &[change]).await?;
                }
                tx.commit().await?;
                Ok(ended)
            }

            async fn count_sessions(&self, user_id: Id, now: DateTime<Utc>) -> Result<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id = $1 AND expires_at > $2")
                    .bind(user_id)
                    .bind(now)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn sign_out_everywhere(&self, by: &Actor, user_id: Id) -> Result<(u64, u64)> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                Self::user_exists(&mut *tx, user_id).await?;
                let sessions = Self::end_sessions_in(&mut *tx, user_id, None).await?;
                let tokens = sqlx::query("DELETE FROM api_tokens WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
                let tokens = tokens.rows_affected();
                let changes = [
                    credential_change("sessions", Some(sessions.to_string()), Some("0".into())),
                    credential_change("api_tokens", Some(tokens.to_string()), Some("0".into())),
                ];
                Self::history(&mut *tx, by, "user", user_id, None, "update", &changes).await?;
                tx.commit().await?;
                Ok((sessions, tokens))
            }

            async fn sign_in_failures(&self, keys: &[String]) -> Result<Vec<(String, Failures)>> {
                if keys.is_empty() {
                    return Ok(Vec::new());
                }
                let mut qb: QueryBuilder<$DB> =
                    QueryBuilder::new("SELECT key, failures, last_failure FROM sign_in_failures WHERE key IN ");
                push_list(&mut qb, keys.iter().cloned());
                let rows: Vec<(String, i32, DateTime<Utc>)> = qb.build_query_as().fetch_all(&self.pool).await?;
                Ok(rows
                    .into_iter()
                    .map(|(k, n, last)| (k, Failures { count: n.max(0).unsigned_abs(), last }))
                    .collect())
            }

            async fn record_sign_in_failure(&self, keys: &[String], now: DateTime<Utc>) -> Result<()> {
                let now = now.trunc_subsecs(6);
                let stale = now - tuijin_domain::signin::forget_after();
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                for key in keys {
                    // One statement per key, so two servers counting at once both count.
                    sqlx::query(
                        "INSERT INTO sign_in_failures (key, failures, last_failure) VALUES ($1, 1, $2) \
                         ON CONFLICT (key) DO UPDATE SET \
                         failures = CASE WHEN sign_in_failures.last_failure < $3 THEN 1 \
                                         ELSE sign_in_failures.failures + 1 END, \
                         last_failure = $2",
                    )
                    .bind(key)
                    .bind(now)
                    .bind(stale)
                    .execute(&mut *tx)
                    .await?;
                }
                sqlx::query("DELETE FROM sign_in_failures WHERE last_failure < $1").bind(stale).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn clear_sign_in_failures(&self, keys: &[String]) -> Result<()> {
                if keys.is_empty() {
                    return Ok(());
                }
                let _w = self.write_guard().await;
                let mut qb: QueryBuilder<$DB> = QueryBuilder::new("DELETE FROM sign_in_failures WHERE key IN ");
                push_list(&mut qb, keys.iter().cloned());
                qb.build().execute(&self.pool).await?;
                Ok(())
            }

            async fn account_history(&self, user_id: Id, limit: i64) -> Result<Vec<HistoryEntry>> {
                let rows: Vec<HistoryRow> =
                    sqlx::query_as("SELECT * FROM history WHERE entity = 'user' AND entity_id = $1 ORDER BY id DESC LIMIT $2")
                        .bind(user_id)
                        .bind(limit)
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows.into_iter().map(HistoryEntry::from).collect())
            }

            async fn shared_secret(&self, name: &str) -> Result<String> {
                let found: Option<String> = sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = $1")
                    .bind(name)
                    .fetch_optional(&self.pool)
                    .await?;
                if let Some(v) = found {
                    return Ok(v);
                }
                let _w = self.write_guard().await;
                let fresh = hex::encode(rand::random::<[u8; 32]>());
                sqlx::query("INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
                    .bind(name)
                    .bind(&fresh)
                    .execute(&self.pool)
                    .await?;
                Ok(sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = $1")
                    .bind(name)
                    .fetch_one(&self.pool)
                    .await?)
            }

        }
    };
}
