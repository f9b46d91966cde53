//! Work meetings: the meeting with its key works, its agenda, and its
//! decisions, each created together with the task it assigns. Every change
//! is written into the meeting's history (entity "meeting"); a decision's
//! task also records where it came from in its own.

macro_rules! impl_meeting_store {
    // $agg: the string aggregate of the backend and the cast it needs.
    ($DB:ty, $agg:expr) => {
        impl SqlStore<$DB> {
            fn meeting_select() -> &'static str {
                static SELECT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
                    let (agg, cast) = $agg;
                    MEETING_SELECT.replace("{agg}", agg).replace("{cast}", cast)
                });
                &SELECT
            }

            /// One row by id (the statement ends in `WHERE id = $1`), as its model.
            async fn fetch_by_id<R, M>(
                conn: &mut <$DB as sqlx::Database>::Connection,
                sql: &str,
                entity: &'static str,
                id: Id,
            ) -> Result<M>
            where
                R: for<'r> sqlx::FromRow<'r, <$DB as sqlx::Database>::Row> + Send + Unpin,
                M: TryFrom<R, Error = StoreError>,
            {
                sqlx::query_as::<_, R>(sql)
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await?
                    .ok_or(StoreError::NotFound { entity, id })?
                    .try_into()
            }

            async fn fetch_meeting(conn: &mut <$DB as sqlx::Database>::Connection, id: Id) -> Result<Meeting> {
                let sql = format!("{} WHERE id = $1", Self::meeting_select());
                Self::fetch_by_id::<MeetingRow, Meeting>(conn, &sql, "meeting", id).await
            }

            async fn check_meeting_refs(
                conn: &mut <$DB as sqlx::Database>::Connection,
                f: &MeetingFields,
            ) -> Result<()> {
                let mut inv = Invalid::default();
                Self::check_refs(conn, &mut inv, "key_works", "key_work_ids", "key_work", &f.key_work_ids).await?;
                if let Some(chair) = f.chair_id {
                    Self::check_refs(conn, &mut inv, "people", "chair_id", "person", &[chair]).await?;
                }
                Ok(inv.into_result(())?)
            }

            async fn write_meeting_key_works(
                conn: &mut <$DB as sqlx::Database>::Connection,
                id: Id,
                key_works: &[Id],
            ) -> Result<()> {
                sqlx::query("DELETE FROM meeting_key_works WHERE meeting_id = $1").bind(id).execute(&mut *conn).await?;
                let mut qb: QueryBuilder<$DB> =
                    QueryBuilder::new("INSERT INTO meeting_key_works (meeting_id, key_work_id, position) ");
                qb.push_values(key_works.iter().enumerate(), |mut b, (pos, kw)| {
                    b.push_bind(id).push_bind(*kw).push_bind(pos as i64);
                });
                qb.build().execute(&mut *conn).await?;
                Ok(())
            }

            async fn fetch_agenda(conn: &mut <$DB as sqlx::Database>::Connection, meeting_id: Id) -> Result<Vec<AgendaItem>> {
                let rows: Vec<AgendaRow> =
                    sqlx::query_as("SELECT * FROM agenda_items WHERE meeting_id = $1 ORDER BY position, id")
                        .bind(meeting_id)
                        .fetch_all(&mut *conn)
                        .await?;
                rows.into_iter().map(AgendaItem::try_from).collect()
            }

            async fn fetch_agenda_item(conn: &mut <$DB as sqlx::Database>::Connection, id: Id) -> Result<AgendaItem> {
                let sql = "SELECT * FROM agenda_items WHERE id = $1";
                Self::fetch_by_id::<AgendaRow, AgendaItem>(conn, sql, "agenda_item", id).await
            }

            async fn fetch_decision(conn: &mut <$DB as sqlx::Database>::Connection, id: Id) -> Result<Decision> {
                let sql = "SELECT * FROM meeting_decisions WHERE id = $1";
                Self::fetch_by_id::<DecisionRow, Decision>(conn, sql, "decision", id).await
            }

            /// One line of the meeting's history.
            async fn meeting_change(
                conn: &mut <$DB as sqlx::Database>::Connection,
                actor: &Actor,
                meeting_id: Id,
                field: &str,
                old: Option<String>,
                new: Option<String>,
            ) -> Result<()> {
                let change = FieldChange { field: field.into(), old, new };
                Self::history(conn, actor, "meeting", meeting_id, None, "update", &[change]).await
            }

            /// The next position at the end of a meeting's agenda or decisions.
            async fn next_position(conn: &mut <$DB as sqlx::Database>::Connection, table: &str, meeting_id: Id) -> Result<i64> {
                let max: Option<i64> =
                    sqlx::query_scalar(&format!("SELECT MAX(position) FROM {table} WHERE meeting_id = $1"))
                        .bind(meeting_id)
                        .fetch_one(&mut *conn)
                        .await?;
                Ok(max.unwrap_or(0) + 1)
            }

            /// The new task's code: the next free one at the top of its key
            /// work or under its parent, read in the writing transaction.
            async fn decision_task_code(conn: &mut <$DB as sqlx::Database>::Connection, f: &TaskFields) -> Result<String> {
                let (parent_code, siblings): (Option<String>, Vec<String>) = match f.parent_id {
                    Some(p) => {
                        let code: Option<String> = sqlx::query_scalar("SELECT code FROM tasks WHERE id = $1")
                            .bind(p)
                            .fetch_optional(&mut *conn)
                            .await?;
                        let code = code.ok_or_else(|| {
                            Invalid::one("parent_id", Problem::UnknownReference { what: "task", id: p.to_string() })
                        })?;
                        let siblings = sqlx::query_scalar("SELECT code FROM tasks WHERE parent_id = $1")
                            .bind(p)
                            .fetch_all(&mut *conn)
                            .await?;
                        (Some(code), siblings)
                    }
                    None => {
                        let siblings =
                            sqlx::query_scalar("SELECT code FROM tasks WHERE key_work_id = $1 AND parent_id IS NULL")
                                .bind(f.key_work_id)
                                .fetch_all(&mut *conn)
                                .await?;
                        (None, siblings)
                    }
                };
                Ok(tuijin_domain::meeting::next_code(parent_code.as_deref(), &siblings)?)
            }
        }

        #[async_trait]
        impl MeetingStore for SqlStore<$DB> {
            async fn list_meetings(&self) -> Result<Vec<Meeting>> {
                let rows: Vec<MeetingRow> =
                    sqlx::query_as(&format!("{} ORDER BY held_on DESC, id DESC", Self::meeting_select()))
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter().map(Meeting::try_from).collect()
            }

            async fn meetings_from(&self, from: NaiveDate) -> Result<Vec<Meeting>> {
                let rows: Vec<MeetingRow> =
                    sqlx::query_as(&format!("{} WHERE held_on >= $1 ORDER BY held_on, id", Self::meeting_select()))
                        .bind(from)
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter().map(Meeting::try_from).collect()
            }

            async fn get_meeting(&self, id: Id) -> Result<Meeting> {
                Self::fetch_meeting(&mut *self.pool.acquire().await?, id).await
            }

            async fn create_meeting(&self, actor: &Actor, f: Valid<MeetingFields>) -> Result<Meeting> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                Self::check_meeting_refs(&mut *tx, &f).await?;
                let mut f = f.into_inner();
                let first = f.key_work_ids[0];
                let last: Option<i64> = sqlx::query_scalar(
                    "SELECT MAX(m.number) FROM meetings m JOIN meeting_key_works k ON k.meeting_id = m.id AND k.position = 0 \
                     WHERE k.key_work_id = $1",
                )
                .bind(first)
                .fetch_one(&mut *tx)
                .await?;
                let number = last.unwrap_or(0) + 1;
                if f.title.is_empty() {
                    let kw = Self::fetch_key_work(&mut *tx, first).await?;
                    f.title = tuijin_domain::meeting::default_title(&kw.fields.name, number, tuijin_domain::Lang::Zh);
                }
                let now = now();
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO meetings (number, title, held_on, starts_at, place, chair_id, attendees, status, minutes, \
                     created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
                )
                .bind(number)
                .bind(&f.title)
                .bind(f.held_on)
                .bind(&f.starts_at)
                .bind(&f.place)
                .bind(f.chair_id)
                .bind(&f.attendees)
                .bind(f.status.as_str())
                .bind(&f.minutes)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                Self::write_meeting_key_works(&mut *tx, id, &f.key_work_ids).await?;
                Self::history(&mut *tx, actor, "meeting", id, None, "create", &diff(None, Some(&f))).await?;
                tx.commit().await?;
                Ok(Meeting { id, number, fields: f, version: 1, created_at: now, updated_at: now })
            }

            async fn update_meeting(&self, actor: &Actor, old: &Meeting, f: Valid<MeetingFields>) -> Result<Meeting> {
                let changes = diff(Some(&old.fields), Some(&*f));
                if changes.is_empty() {
                    return Ok(old.clone());
                }
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                Self::check_meeting_refs(&mut *tx, &f).await?;
                let now = now();
                let done = sqlx::query(
                    "UPDATE meetings SET title = $1, held_on = $2, starts_at = $3, place = $4, chair_id = $5, attendees = $6, \
                     status = $7, minutes = $8, updated_at = $9, version = version + 1 WHERE id = $10 AND version = $11",
                )
                .bind(&f.title)
                .bind(f.held_on)
                .bind(&f.starts_at)
                .bind(&f.place)
                .bind(f.chair_id)
                .bind(&f.attendees)
                .bind(f.status.as_str())
                .bind(&f.minutes)
                .bind(now)
                .bind(old.id)
                .bind(old.version)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() != 1 {
                    return Err(conflict(&Self::fetch_meeting(&mut *tx, old.id).await?));
                }
                if f.key_work_ids != old.fields.key_work_ids {
                    Self::write_meeting_key_works(&mut *tx, old.id, &f.key_work_ids).await?;
                }
                Self::history(&mut *tx, actor, "meeting", old.id, None, "update", &changes).await?;
                tx.commit().await?;
                Ok(Meeting { fields: f.into_inner(), version: old.version + 1, updated_at: now, ..old.clone() })
            }

            async fn delete_meeting(&self, actor: &Actor, id: Id) -> Result<()> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let old = Self::fetch_meeting(&mut *tx, id).await?;
                let decided: Option<i64> = sqlx::query_scalar("SELECT id FROM meeting_decisions WHERE meeting_id = $1 LIMIT 1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
                if decided.is_some() {
                    return Err(Invalid::one("meeting", Problem::Conflicting { detail: "meeting_has_decisions" }).into());
                }
                sqlx::query("DELETE FROM meetings WHERE id = $1").bind(id).execute(&mut *tx).await?;
                Self::history(&mut *tx, actor, "meeting", id, None, "delete", &diff(Some(&old.fields), None)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn meeting_history(&self, meeting_id: Id) -> Result<Vec<HistoryEntry>> {
                let rows: Vec<HistoryRow> =
                    sqlx::query_as("SELECT * FROM history WHERE entity = 'meeting' AND entity_id = $1 ORDER BY id")
                        .bind(meeting_id)
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows.into_iter().map(HistoryEntry::from).collect())
            }

            async fn agenda_of(&self, meeting_id: Id) -> Result<Vec<AgendaItem>> {
                Self::fetch_agenda(&mut *self.pool.acquire().await?, meeting_id).await
            }

            async fn get_agenda_item(&self, id: Id) -> Result<AgendaItem> {
                Self::fetch_agenda_item(&mut *self.pool.acquire().await?, id).await
            }

            async fn rebuild_agenda(&self, actor: &Actor, meeting_id: Id, drafts: &[Draft]) -> Result<Vec<AgendaItem>> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                Self::fetch_meeting(&mut *tx, meeting_id).await?;
                let custom: Vec<i64> = sqlx::query_scalar(
                    "SELECT id FROM agenda_items WHERE meeting_id = $1 AND kind = 'custom' ORDER BY position, id",
                )
                .bind(meeting_id)
                .fetch_all(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM agenda_items WHERE meeting_id = $1 AND kind <> 'custom'")
                    .bind(meeting_id)
                    .execute(&mut *tx)
                    .await?;
                let now = now();
                if !drafts.is_empty() {
                    let mut qb: QueryBuilder<$DB> = QueryBuilder::new(
                        "INSERT INTO agenda_items (meeting_id, position, kind, task_id, report_id, decision_id, instruction_id, \
                         title, detail, created_at, updated_at) ",
                    );
                    qb.push_values(drafts.iter().enumerate(), |mut b, (i, d)| {
                        b.push_bind(meeting_id)
                            .push_bind(i as i64 + 1)
                            .push_bind(d.kind.as_str())
                            .push_bind(d.task_id)
                            .push_bind(d.report_id)
                            .push_bind(d.decision_id)
                            .push_bind(d.instruction_id)
                            .push_bind(d.title.clone())
                            .push_bind(d.detail.clone())
                            .push_bind(now)
                            .push_bind(now);
                    });
                    qb.build().execute(&mut *tx).await?;
                }
                for (i, id) in custom.iter().enumerate() {
                    sqlx::query("UPDATE agenda_items SET position = $1 WHERE id = $2")
                        .bind((drafts.len() + i) as i64 + 1)
                        .bind(*id)
                        .execute(&mut *tx)
                        .await?;
                }
                let summary = format!("{}项（另有自定义议题{}项）", drafts.len(), custom.len());
                Self::meeting_change(&mut *tx, actor, meeting_id, "agenda", None, Some(summary)).await?;
                let items = Self::fetch_agenda(&mut *tx, meeting_id).await?;
                tx.commit().await?;
                Ok(items)
            }

            async fn add_agenda_item(&self, actor: &Actor, meeting_id: Id, f: Valid<ItemFields>) -> Result<AgendaItem> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                Self::fetch_meeting(&mut *tx, meeting_id).await?;
                let position = Self::next_position(&mut *tx, "agenda_items", meeting_id).await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO agenda_items (meeting_id, position, kind, title, detail, created_at, updated_at) \
                     VALUES ($1, $2, 'custom', $3, $4, $5, $5) RETURNING id",
                )
                .bind(meeting_id)
                .bind(position)
                .bind(&f.title)
                .bind(&f.detail)
                .bind(now())
                .fetch_one(&mut *tx)
                .await?;
                Self::meeting_change(&mut *tx, actor, meeting_id, "agenda", None, Some(item_text(&f))).await?;
                let item = Self::fetch_agenda_item(&mut *tx, id).await?;
                tx.commit().await?;
                Ok(item)
            }

            async fn update_agenda_item(&self, actor: &Actor, old: &AgendaItem, f: Valid<ItemFields>) -> Result<AgendaItem> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let done = sqlx::query(
                    "UPDATE agenda_items SET title = $1, detail = $2, updated_at = $3, version = version + 1 \
                     WHERE id = $4 AND version = $5",
                )
                .bind(&f.title)
                .bind(&f.detail)
                .bind(now())
                .bind(old.id)
                .bind(old.version)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() != 1 {
                    return Err(conflict(&Self::fetch_agenda_item(&mut *tx, old.id).await?));
                }
                let (was, now_is) = (item_text(&old.fields), item_text(&f));
                if was != now_is {
                    Self::meeting_change(&mut *tx, actor, old.meeting_id, "agenda", Some(was), Some(now_is)).await?;
                }
                let item = Self::fetch_agenda_item(&mut *tx, old.id).await?;
                tx.commit().await?;
                Ok(item)
            }

            async fn delete_agenda_item(&self, actor: &Actor, old: &AgendaItem) -> Result<()> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let done = sqlx::query("DELETE FROM agenda_items WHERE id = $1").bind(old.id).execute(&mut *tx).await?;
                if done.rows_affected() == 1 {
                    Self::meeting_change(&mut *tx, actor, old.meeting_id, "agenda", Some(item_text(&old.fields)), None)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn move_agenda_item(&self, actor: &Actor, old: &AgendaItem, up: bool) -> Result<Vec<AgendaItem>> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let mut items = Self::fetch_agenda(&mut *tx, old.meeting_id).await?;
                let at = items.iter().position(|i| i.id == old.id).ok_or(StoreError::NotFound { entity: "agenda_item", id: old.id })?;
                let to = if up { at.checked_sub(1) } else { Some(at + 1).filter(|t| *t < items.len()) };
                if let Some(to) = to {
                    items.swap(at, to);
                    // Renumber 1..n: positions may have gaps or ties after deletions and rebuilds.
                    for (i, item) in items.iter().enumerate() {
                        if item.position != i as i64 + 1 {
                            sqlx::query("UPDATE agenda_items SET position = $1 WHERE id = $2")
                                .bind(i as i64 + 1)
                                .bind(item.id)
                                .execute(&mut *tx)
                                .await?;
                        }
                    }
                    let text = item_text(&old.fields);
                    let (was, now_is) = (format!("{}. {text}", at + 1), format!("{}. {text}", to + 1));
                    Self::meeting_change(&mut *tx, actor, old.meeting_id, "agenda", Some(was), Some(now_is)).await?;
                }
                let items = Self::fetch_agenda(&mut *tx, old.meeting_id).await?;
                tx.commit().await?;
                Ok(items)
            }

            async fn decisions_of(&self, meeting_id: Id) -> Result<Vec<Decision>> {
                let rows: Vec<DecisionRow> =
                    sqlx::query_as("SELECT * FROM meeting_decisions WHERE meeting_id = $1 ORDER BY position, id")
                        .bind(meeting_id)
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter().map(Decision::try_from).collect()
            }

            async fn get_decision(&self, id: Id) -> Result<Decision> {
                Self::fetch_decision(&mut *self.pool.acquire().await?, id).await
            }

            async fn create_decision(&self, actor: &Actor, meeting: &Meeting, new: NewDecision) -> Result<Decision> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                Self::fetch_meeting(&mut *tx, meeting.id).await?;
                let mut task = new.task.into_inner();
                task.code = Self::decision_task_code(&mut *tx, &task).await?;
                Self::check_task(&mut *tx, &task, None, 0).await?;
                let now = now();
                let task_id = Self::insert_task(&mut *tx, actor, &task, now).await?;
                let source = FieldChange { field: "source".into(), old: None, new: Some(new.source) };
                Self::history(&mut *tx, actor, "task", task_id, Some(task_id), "update", &[source]).await?;
                let position = Self::next_position(&mut *tx, "meeting_decisions", meeting.id).await?;
                let f = new.decision.into_inner();
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO meeting_decisions (meeting_id, position, content, key_work_id, parent_id, lead_unit_id, \
                     supporting_unit_ids, leader_ids, deadline, task_id, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
                )
                .bind(meeting.id)
                .bind(position)
                .bind(&f.content)
                .bind(task.key_work_id)
                .bind(task.parent_id)
                .bind(task.lead_unit_id)
                .bind(to_json(&f.supporting_unit_ids))
                .bind(to_json(&f.leader_ids))
                .bind(f.deadline)
                .bind(task_id)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                Self::meeting_change(&mut *tx, actor, meeting.id, "decision", None, Some(f.content.clone())).await?;
                tx.commit().await?;
                Ok(Decision {
                    id,
                    meeting_id: meeting.id,
                    position,
                    fields: f,
                    task_id: Some(task_id),
                    version: 1,
                    created_at: now,
                    updated_at: now,
                })
            }

            async fn update_decision(
                &self,
                actor: &Actor,
                old: &Decision,
                f: Valid<DecisionFields>,
                task: Option<(&Task, Valid<TaskFields>)>,
            ) -> Result<Decision> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let mut inv = Invalid::default();
                let lead: Vec<Id> = f.lead_unit_id.into_iter().collect();
                Self::check_refs(&mut *tx, &mut inv, "units", "lead_unit_id", "unit", &lead).await?;
                Self::check_refs(&mut *tx, &mut inv, "units", "supporting_unit_ids", "unit", &f.supporting_unit_ids).await?;
                Self::check_refs(&mut *tx, &mut inv, "people", "leader_ids", "person", &f.leader_ids).await?;
                inv.into_result(())?;
                let now = now();
                let done = sqlx::query(
                    "UPDATE meeting_decisions SET content = $1, lead_unit_id = $2, supporting_unit_ids = $3, leader_ids = $4, \
                     deadline = $5, updated_at = $6, version = version + 1 WHERE id = $7 AND version = $8",
                )
                .bind(&f.content)
                .bind(f.lead_unit_id)
                .bind(to_json(&f.supporting_unit_ids))
                .bind(to_json(&f.leader_ids))
                .bind(f.deadline)
                .bind(now)
                .bind(old.id)
                .bind(old.version)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() != 1 {
                    return Err(conflict(&Self::fetch_decision(&mut *tx, old.id).await?));
                }
                if let Some((t, n)) = task {
                    let changes = diff(Some(&t.fields), Some(&*n));
                    if !changes.is_empty() {
                        let mut qb: QueryBuilder<$DB> = QueryBuilder::new("");
                        Self::push_task_update(&mut qb, &t.fields, &n, t, now);
                        if qb.build().execute(&mut *tx).await?.rows_affected() != 1 {
                            return Err(conflict(&Self::fetch_task(&mut *tx, t.id).await?));
                        }
                        Self::write_task_links(&mut *tx, t.id, &n, true).await?;
                        Self::history(&mut *tx, actor, "task", t.id, Some(t.id), "update", &changes).await?;
                    }
                }
                let changes = diff(Some(&old.fields), Some(&*f));
                Self::history(&mut *tx, actor, "meeting", old.meeting_id, None, "update", &changes).await?;
                tx.commit().await?;
                Ok(Decision { fields: f.into_inner(), version: old.version + 1, updated_at: now, ..old.clone() })
            }

            async fn open_decisions(&self, meeting: &Meeting) -> Result<Vec<Decision>> {
                if meeting.fields.key_work_ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut qb: QueryBuilder<$DB> = QueryBuilder::new(
                    "SELECT d.* FROM meeting_decisions d JOIN meetings m ON m.id = d.meeting_id JOIN tasks t ON t.id = d.task_id \
                     WHERE t.status NOT IN ('done', 'cancelled') AND d.meeting_id <> ",
                );
                qb.push_bind(meeting.id);
                qb.push(" AND (m.held_on < ").push_bind(meeting.fields.held_on);
                qb.push(" OR (m.held_on = ").push_bind(meeting.fields.held_on);
                qb.push(" AND m.id < ").push_bind(meeting.id).push(")) AND d.key_work_id IN ");
                push_list(&mut qb, meeting.fields.key_work_ids.iter().copied());
                qb.push(" ORDER BY d.deadline, d.id");
                let rows: Vec<DecisionRow> = qb.build_query_as().fetch_all(&self.pool).await?;
                rows.into_iter().map(Decision::try_from).collect()
            }

            async fn decision_of_task(&self, task_id: Id) -> Result<Option<Decision>> {
                let row: Option<DecisionRow> = sqlx::query_as("SELECT * FROM meeting_decisions WHERE task_id = $1")
                    .bind(task_id)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(Decision::try_from).transpose()
            }
        }
    };
}
