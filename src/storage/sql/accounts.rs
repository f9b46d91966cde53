//! Accounts, tokens and whole-database operations.

macro_rules! impl_account_store {
    ($DB:ty, $name:literal) => {
        #[async_trait]
        impl AccountStore for SqlStore<$DB> {
            async fn list_users(&self) -> Result<Vec<User>> {
                let rows: Vec<UserRow> = sqlx::query_as("SELECT * FROM users ORDER BY id").fetch_all(&self.pool).await?;
                rows.into_iter().map(User::try_from).collect()
            }

            async fn find_user(&self, username: &str) -> Result<Option<User>> {
                let row: Option<UserRow> = sqlx::query_as("SELECT * FROM users WHERE username = $1")
                    .bind(username)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(User::try_from).transpose()
            }

            async fn create_user(&self, new: NewUser) -> Result<User> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let mut inv = Invalid::default();
                Self::check_unique(&mut *tx, &mut inv, "SELECT id FROM users WHERE username = $1 AND id <> $2", "username", &new.username, 0)
                    .await?;
                if let Some(unit) = new.unit_id {
                    Self::check_refs(&mut *tx, &mut inv, "units", "unit_id", "unit", &[unit]).await?;
                }
                inv.into_result(())?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO users (username, display_name, role, unit_id, password_hash, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(&new.username)
                .bind(&new.display_name)
                .bind(new.role.as_str())
                .bind(new.unit_id)
                .bind(&new.password_hash)
                .bind(now())
                .fetch_one(&mut *tx)
                .await?;
                let row: UserRow = sqlx::query_as("SELECT * FROM users WHERE id = $1").bind(id).fetch_one(&mut *tx).await?;
                tx.commit().await?;
                User::try_from(row)
            }

            async fn update_user(&self, user_id: Id, c: UserChanges) -> Result<User> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let mut inv = Invalid::default();
                if let Some(unit) = c.unit_id {
                    Self::check_refs(&mut *tx, &mut inv, "units", "unit_id", "unit", &[unit]).await?;
                }
                if let Some(person) = c.person_id {
                    Self::check_refs(&mut *tx, &mut inv, "people", "person_id", "person", &[person]).await?;
                }
                inv.into_result(())?;
                let done = sqlx::query(
                    "UPDATE users SET display_name = $1, role = $2, unit_id = $3, disabled = $4, email = $5, person_id = $6 \
                     WHERE id = $7",
                )
                .bind(&c.display_name)
                .bind(c.role.as_str())
                .bind(c.unit_id)
                .bind(c.disabled)
                .bind(&c.email)
                .bind(c.person_id)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound { entity: "user", id: user_id });
                }
                if c.disabled {
                    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
                }
                let row: UserRow = sqlx::query_as("SELECT * FROM users WHERE id = $1").bind(user_id).fetch_one(&mut *tx).await?;
                tx.commit().await?;
                User::try_from(row)
            }

            async fn create_session(&self, user_id: Id, token_hash: &str, csrf: &str, expires_at: DateTime<Utc>) -> Result<()> {
                let _w = self.write_guard().await;
                sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(token_hash)
                    .bind(user_id)
                    .bind(csrf)
                    .bind(now())
                    .bind(expires_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<Session>> {
                self.session_impl(token_hash, now).await
            }

            async fn delete_session(&self, token_hash: &str) -> Result<()> {
                let _w = self.write_guard().await;
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&self.pool).await?;
                Ok(())
            }

            async fn set_language(&self, user_id: Id, language: &str) -> Result<()> {
                let _w = self.write_guard().await;
                sqlx::query("UPDATE users SET language = $1 WHERE id = $2").bind(language).bind(user_id).execute(&self.pool).await?;
                Ok(())
            }

        }

        impl SqlStore<$DB> {
            async fn session_impl(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<Session>> {
                let row: Option<UserRow> = sqlx::query_as(
                    "SELECT u.* FROM users u JOIN sessions s ON s.user_id = u.id \
                     WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT u.disabled",
                )
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?;
                let Some(row) = row else { return Ok(None) };
                let user = User::try_from(row)?;
                // The header's count of unread reminders comes along in the same round trip.
                let (csrf, unread): (String, i64) = sqlx::query_as(&format!(
                    "SELECT csrf, ({}) FROM sessions WHERE token_hash = $2",
                    notify::UNREAD_COUNT
                ))
                .bind(user.id)
                .bind(token_hash)
                .fetch_one(&self.pool)
                .await?;
                Ok(Some(Session { user, csrf, unread }))
            }
        }

        #[async_trait]
        impl AdminStore for SqlStore<$DB> {
            async fn is_empty(&self) -> Result<bool> {
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM units").fetch_one(&self.pool).await?;
                Ok(n == 0)
            }

            async fn backup_to(&self, path: &str) -> Result<()> {
                if $name != "sqlite" {
                    return Err(StoreError::Unsupported("backup: use pg_dump for PostgreSQL"));
                }
                // VACUUM INTO writes a consistent snapshot while others keep working.
                sqlx::query("VACUUM INTO $1").bind(path).execute(&self.pool).await?;
                Ok(())
            }

            fn backend(&self) -> &'static str {
                $name
            }
        }
    };
}
