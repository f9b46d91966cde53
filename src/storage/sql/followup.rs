//! Instructions, replies and extension requests. Each write also goes into
//! the task's history, so the task page's timeline tells the whole story.

macro_rules! impl_followup_store {
    ($DB:ty) => {
        impl SqlStore<$DB> {
            async fn replies_of(
                conn: &mut <$DB as sqlx::Database>::Connection,
                ids: &[Id],
            ) -> Result<Vec<crate::storage::Reply>> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut qb: QueryBuilder<$DB> = QueryBuilder::new(
                    "SELECT id, instruction_id, author_id, author_name, text, created_at FROM instruction_replies WHERE instruction_id IN ",
                );
                push_list(&mut qb, ids.iter().copied());
                qb.push(" ORDER BY id");
                let rows: Vec<(i64, i64, Option<i64>, String, String, DateTime<Utc>)> =
                    qb.build_query_as().fetch_all(&mut *conn).await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, instruction_id, author_id, author_name, text, created_at)| crate::storage::Reply {
                        id,
                        instruction_id,
                        author_id,
                        author_name,
                        text,
                        created_at,
                    })
                    .collect())
            }

            async fn instructions_where(&self, filter: &str, id: Option<Id>) -> Result<Vec<Instruction>> {
                let mut conn = self.pool.acquire().await?;
                let sql = format!(
                    "SELECT id, task_id, author_id, author_name, text, respond_within_days, answer_due, answered_at, created_at \
                     FROM instructions WHERE {filter} ORDER BY id"
                );
                let mut q = sqlx::query_as::<_, InstructionRow>(&sql);
                if let Some(id) = id {
                    q = q.bind(id);
                }
                let rows = q.fetch_all(&mut *conn).await?;
                let ids: Vec<Id> = rows.iter().map(|r| r.id).collect();
                let mut replies: std::collections::HashMap<Id, Vec<crate::storage::Reply>> =
                    std::collections::HashMap::new();
                for r in Self::replies_of(&mut *conn, &ids).await? {
                    replies.entry(r.instruction_id).or_default().push(r);
                }
                Ok(rows
                    .into_iter()
                    .map(|r| {
                        let mut i = Instruction::from(r);
                        i.replies = replies.remove(&i.id).unwrap_or_default();
                        i
                    })
                    .collect())
            }

            async fn extensions_where(&self, filter: &str, id: Option<Id>) -> Result<Vec<Extension>> {
                let sql = format!("SELECT * FROM extension_requests WHERE {filter} ORDER BY id");
                let mut q = sqlx::query_as::<_, ExtensionRow>(&sql);
                if let Some(id) = id {
                    q = q.bind(id);
                }
                q.fetch_all(&self.pool).await?.into_iter().map(Extension::try_from).collect()
            }
        }

        #[async_trait]
        impl FollowUpStore for SqlStore<$DB> {
            async fn create_instruction(
                &self,
                actor: &Actor,
                task_id: Id,
                f: Valid<InstructionFields>,
                answer_due: NaiveDate,
            ) -> Result<Instruction> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                Self::fetch_task(&mut *tx, task_id).await?;
                let now = now();
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO instructions (task_id, author_id, author_name, text, respond_within_days, answer_due, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(task_id)
                .bind(actor.user_id)
                .bind(&actor.display_name)
                .bind(&f.text)
                .bind(i64::from(f.respond_within_days))
                .bind(answer_due)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                Self::history(&mut *tx, actor, "instruction", id, Some(task_id), "create", &diff(None, Some(&*f))).await?;
                tx.commit().await?;
                Ok(Instruction {
                    id,
                    task_id,
                    author_id: Some(actor.user_id),
                    author_name: actor.display_name.clone(),
                    fields: f.into_inner(),
                    answer_due,
                    answered_at: None,
                    created_at: now,
                    replies: Vec::new(),
                })
            }

            async fn get_instruction(&self, id: Id) -> Result<Instruction> {
                self.instructions_where("id = $1", Some(id))
                    .await?
                    .pop()
                    .ok_or(StoreError::NotFound { entity: "instruction", id })
            }

            async fn instructions_of(&self, task_id: Id) -> Result<Vec<Instruction>> {
                self.instructions_where("task_id = $1", Some(task_id)).await
            }

            async fn unanswered_instructions(&self) -> Result<Vec<Instruction>> {
                self.instructions_where("answered_at IS NULL", None).await
            }

            async fn reply_instruction(&self, actor: &Actor, id: Id, f: Valid<ReplyFields>, answers: bool) -> Result<crate::storage::Reply> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let task_id: Option<i64> = sqlx::query_scalar("SELECT task_id FROM instructions WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
                let task_id = task_id.ok_or(StoreError::NotFound { entity: "instruction", id })?;
                let now = now();
                let reply: i64 = sqlx::query_scalar(
                    "INSERT INTO instruction_replies (instruction_id, author_id, author_name, text, created_at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(id)
                .bind(actor.user_id)
                .bind(&actor.display_name)
                .bind(&f.text)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                if answers {
                    sqlx::query("UPDATE instructions SET answered_at = $1 WHERE id = $2 AND answered_at IS NULL")
                        .bind(now)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                let change = FieldChange { field: "reply".into(), old: None, new: Some(f.text.clone()) };
                Self::history(&mut *tx, actor, "instruction", id, Some(task_id), "update", &[change]).await?;
                tx.commit().await?;
                Ok(crate::storage::Reply {
                    id: reply,
                    instruction_id: id,
                    author_id: Some(actor.user_id),
                    author_name: actor.display_name.clone(),
                    text: f.into_inner().text,
                    created_at: now,
                })
            }

            async fn create_extension(
                &self,
                actor: &Actor,
                task_id: Id,
                f: Valid<ExtensionFields>,
                original_date: Option<NaiveDate>,
            ) -> Result<Extension> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                Self::fetch_task(&mut *tx, task_id).await?;
                let now = now();
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO extension_requests (task_id, milestone_id, original_date, requested_date, reason, status, \
                     requested_by_name, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $7) RETURNING id",
                )
                .bind(task_id)
                .bind(f.milestone_id)
                .bind(original_date)
                .bind(f.requested_date)
                .bind(&f.reason)
                .bind(&actor.display_name)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                Self::history(&mut *tx, actor, "extension", id, Some(task_id), "create", &diff(None, Some(&*f))).await?;
                tx.commit().await?;
                self.get_extension(id).await
            }

            async fn get_extension(&self, id: Id) -> Result<Extension> {
                self.extensions_where("id = $1", Some(id)).await?.pop().ok_or(StoreError::NotFound { entity: "extension", id })
            }

            async fn extensions_of(&self, task_id: Id) -> Result<Vec<Extension>> {
                self.extensions_where("task_id = $1", Some(task_id)).await
            }

            async fn pending_extensions(&self) -> Result<Vec<Extension>> {
                self.extensions_where("status = 'pending'", None).await
            }

            async fn decide_extension(
                &self,
                actor: &Actor,
                old: &Extension,
                status: ExtensionStatus,
                note: &str,
                change: Option<NewDate<'_>>,
            ) -> Result<Extension> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let now = now();
                let done = sqlx::query(
                    "UPDATE extension_requests SET status = $1, note = $2, decided_by_name = $3, decided_at = $4, updated_at = $4, \
                     version = version + 1 WHERE id = $5 AND version = $6",
                )
                .bind(status.as_str())
                .bind(note)
                .bind(&actor.display_name)
                .bind(now)
                .bind(old.id)
                .bind(old.version)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(conflict(&self.get_extension(old.id).await?));
                }
                let changes = vec![
                    FieldChange { field: "status".into(), old: Some("pending".into()), new: Some(status.as_str().into()) },
                    FieldChange { field: "note".into(), old: None, new: Some(note.to_string()) },
                ];
                Self::history(&mut *tx, actor, "extension", old.id, Some(old.task_id), "update", &changes).await?;
                match change {
                    Some(NewDate::Task(t, n)) => {
                        let mut qb: QueryBuilder<$DB> = QueryBuilder::new("");
                        Self::push_task_update(&mut qb, &t.fields, &n, t, now);
                        if qb.build().execute(&mut *tx).await?.rows_affected() != 1 {
                            return Err(conflict(&Self::fetch_task(&mut *tx, t.id).await?));
                        }
                        let changes = diff(Some(&t.fields), Some(&**n));
                        Self::history(&mut *tx, actor, "task", t.id, Some(t.id), "update", &changes).await?;
                    }
                    Some(NewDate::Milestone(m, n)) => {
                        let done = sqlx::query(
                            "UPDATE milestones SET planned_date = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND version = $4",
                        )
                        .bind(n.planned_date)
                        .bind(now)
                        .bind(m.id)
                        .bind(m.version)
                        .execute(&mut *tx)
                        .await?;
                        if done.rows_affected() != 1 {
                            return Err(conflict(&Self::fetch_milestone(&mut *tx, m.id).await?));
                        }
                        let changes = diff(Some(&m.fields), Some(&*n));
                        Self::history(&mut *tx, actor, "milestone", m.id, Some(m.task_id), "update", &changes).await?;
                    }
                    None => {}
                }
                tx.commit().await?;
                self.get_extension(old.id).await
            }
        }
    };
}
