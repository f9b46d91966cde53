//! Tasks: the list query, reads, and writes with their history.

macro_rules! impl_task_store {
    // $one_trip: whether the driver runs several statements in one query
    // (SQLite), which the hot path of task updates uses.
    // $json: the backend's (JSON array aggregate, JSON array, string
    // aggregate, cast of an id to text).
    ($DB:ty, $one_trip:literal, $json:expr) => {
        impl SqlStore<$DB> {
            fn push_task_filters(qb: &mut QueryBuilder<'_, $DB>, q: &TaskQuery) {
                qb.push(" WHERE 1 = 1");
                if let Some(v) = q.key_work_id {
                    qb.push(" AND key_work_id = ").push_bind(v);
                }
                if let Some(v) = q.parent_id {
                    qb.push(" AND parent_id = ").push_bind(v);
                }
                if let Some(v) = q.lead_unit_id {
                    qb.push(" AND lead_unit_id = ").push_bind(v);
                }
                if let Some(v) = q.leader_id {
                    qb.push(" AND id IN (SELECT task_id FROM task_leaders WHERE person_id = ").push_bind(v).push(")");
                }
                if !q.statuses.is_empty() {
                    qb.push(" AND status IN ");
                    push_list(qb, q.statuses.iter().map(|s| s.as_str()));
                }
                if !q.priorities.is_empty() {
                    qb.push(" AND priority IN ");
                    push_list(qb, q.priorities.iter().map(|p| p.as_str()));
                }
                if let Some(d) = q.due_from {
                    qb.push(" AND due_date >= ").push_bind(d);
                }
                if let Some(d) = q.due_to {
                    qb.push(" AND due_date <= ").push_bind(d);
                }
                if q.overdue {
                    qb.push(" AND due_date < ").push_bind(q.today).push(" AND status NOT IN ('done', 'cancelled')");
                }
                if let Some(text) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                    let pattern = format!("%{}%", escaped.to_lowercase());
                    qb.push(" AND (LOWER(code) LIKE ").push_bind(pattern.clone()).push(" ESCAPE '\\'");
                    qb.push(" OR LOWER(title) LIKE ").push_bind(pattern).push(" ESCAPE '\\')");
                }
            }

            /// `UPDATE tasks SET …` of only the columns that change (so
            /// SQLite touches only their indexes), guarded by the version.
            fn push_task_update(qb: &mut QueryBuilder<'_, $DB>, o: &TaskFields, n: &TaskFields, old: &Task, now: DateTime<Utc>) {
                qb.push("UPDATE tasks SET version = version + 1, updated_at = ");
                qb.push_bind(now);
                if o.key_work_id != n.key_work_id {
                    qb.push(", key_work_id = ").push_bind(n.key_work_id);
                }
                if o.parent_id != n.parent_id {
                    qb.push(", parent_id = ").push_bind(n.parent_id);
                }
                if o.code != n.code {
                    qb.push(", code = ").push_bind(n.code.clone()).push(", code_key = ").push_bind(n.code_key());
                }
                if o.title != n.title {
                    qb.push(", title = ").push_bind(n.title.clone());
                }
                if o.description != n.description {
                    qb.push(", description = ").push_bind(n.description.clone());
                }
                if o.lead_unit_id != n.lead_unit_id {
                    qb.push(", lead_unit_id = ").push_bind(n.lead_unit_id);
                }
                if o.priority != n.priority {
                    qb.push(", priority = ").push_bind(n.priority.as_str());
                    qb.push(", priority_rank = ").push_bind(i64::from(n.priority.rank()));
                }
                if o.status != n.status {
                    qb.push(", status = ").push_bind(n.status.as_str());
                }
                if o.start_date != n.start_date {
                    qb.push(", start_date = ").push_bind(n.start_date);
                }
                if o.due_date != n.due_date {
                    qb.push(", due_date = ").push_bind(n.due_date);
                }
                if o.target != n.target {
                    qb.push(", target_value = ").push_bind(n.target.as_ref().map(|t| tuijin_domain::number::to_scaled(&t.value)));
                    qb.push(", target_measure = ").push_bind(n.target.as_ref().map(|t| t.measure.clone()));
                }
                if o.planned_investment != n.planned_investment {
                    qb.push(", planned_investment = ").push_bind(scaled(&n.planned_investment));
                }
                if o.completed_investment != n.completed_investment {
                    qb.push(", completed_investment = ").push_bind(scaled(&n.completed_investment));
                }
                if o.percent_complete != n.percent_complete {
                    qb.push(", percent_complete = ").push_bind(tuijin_domain::number::to_scaled(&n.percent_complete));
                }
                if o.tags != n.tags {
                    qb.push(", tags = ").push_bind(serde_json::to_string(&n.tags).unwrap_or_else(|_| "[]".into()));
                }
                qb.push(" WHERE id = ").push_bind(old.id).push(" AND version = ").push_bind(old.version);
            }

            /// SQLite: `BEGIN; UPDATE …; INSERT INTO history … WHERE changes() = 1; COMMIT` as one
            /// query. It runs in its own task so that a cancelled request
            /// cannot stop it between BEGIN and COMMIT; a connection whose
            /// query failed is closed rather than reused, since it may still
            /// be inside the transaction. Returns whether the version matched.
            // sqlx 0.8 marks several statements in one prepared query as
            // deprecated (SQLite is the only driver that runs them); we use it
            // here on purpose for the measured gain, pinned to sqlx 0.8. On an
            // sqlx upgrade, replace this by the transactional path above.
            #[allow(deprecated)]
            async fn update_task_one_trip(
                &self,
                actor: &Actor,
                old: &Task,
                n: TaskFields,
                changes: &[FieldChange],
                now: DateTime<Utc>,
            ) -> Result<bool> {
                let mut qb: QueryBuilder<'static, $DB> = QueryBuilder::new("BEGIN IMMEDIATE; ");
                Self::push_task_update(&mut qb, &old.fields, &n, old, now);
                qb.push(format!("; INSERT INTO history ({HISTORY_COLUMNS}) SELECT * FROM ("));
                Self::push_history_values(&mut qb, actor, "task", old.id, Some(old.id), "update", changes);
                qb.push(") WHERE changes() = 1; COMMIT");
                let (pool, lock, o, id) = (self.pool.clone(), self.write_lock.clone(), old.fields.clone(), old.id);
                let job = tokio::spawn(async move {
                    let _w = match &lock {
                        Some(l) => Some(l.clone().lock_owned().await),
                        None => None,
                    };
                    let mut conn = pool.acquire().await?;
                    Self::check_task(&mut *conn, &n, Some(&o), id).await?;
                    // One result per statement, in order; only the UPDATE's
                    // count says whether the version matched (SQLite reports
                    // stale counts for BEGIN and COMMIT).
                    let results: std::result::Result<Vec<_>, _> =
                        futures_util::TryStreamExt::try_collect(qb.build().fetch_many(&mut *conn)).await;
                    match results {
                        Ok(results) => Ok(matches!(results.get(1), Some(sqlx::Either::Left(r)) if r.rows_affected() == 1)),
                        Err(e) => {
                            conn.close_on_drop();
                            Err(StoreError::from(e))
                        }
                    }
                });
                job.await.map_err(|e| StoreError::Corrupt(format!("task update aborted: {e}")))?
            }

            /// Checks what only the database can tell: references, code
            /// uniqueness and the parent chain — on an update (`old` given),
            /// only for the fields that change. `id` is 0 for a new task.
            async fn check_task(
                conn: &mut <$DB as sqlx::Database>::Connection,
                f: &TaskFields,
                old: Option<&TaskFields>,
                id: Id,
            ) -> Result<()> {
                let changed = |same: &dyn Fn(&TaskFields) -> bool| old.is_none_or(|o| !same(o));
                let mut inv = Invalid::default();
                if changed(&|o| o.key_work_id == f.key_work_id) {
                    Self::check_refs(conn, &mut inv, "key_works", "key_work_id", "key_work", &[f.key_work_id]).await?;
                }
                if changed(&|o| o.lead_unit_id == f.lead_unit_id) {
                    Self::check_refs(conn, &mut inv, "units", "lead_unit_id", "unit", &[f.lead_unit_id]).await?;
                }
                if changed(&|o| o.supporting_unit_ids == f.supporting_unit_ids) {
                    Self::check_refs(conn, &mut inv, "units", "supporting_unit_ids", "unit", &f.supporting_unit_ids).await?;
                }
                if changed(&|o| o.leader_ids == f.leader_ids) {
                    Self::check_refs(conn, &mut inv, "people", "leader_ids", "person", &f.leader_ids).await?;
                }
                if changed(&|o| o.key_work_id == f.key_work_id && o.code == f.code) {
                    let taken: Option<i64> =
                        sqlx::query_scalar("SELECT id FROM tasks WHERE key_work_id = $1 AND code = $2 AND id <> $3")
                            .bind(f.key_work_id)
                            .bind(&f.code)
                            .bind(id)
                            .fetch_optional(&mut *conn)
                            .await?;
                    if taken.is_some() {
                        inv.push("code", Problem::Duplicate { value: f.code.clone() });
                    }
                }
                if let Some(parent) = f.parent_id {
                    if changed(&|o| o.parent_id == f.parent_id && o.key_work_id == f.key_work_id) {
                        Self::check_parent(conn, &mut inv, f.key_work_id, id, parent).await?;
                    }
                }
                Ok(inv.into_result(())?)
            }

            async fn check_parent(
                conn: &mut <$DB as sqlx::Database>::Connection,
                inv: &mut Invalid,
                key_work_id: Id,
                id: Id,
                parent: Id,
            ) -> Result<()> {
                if parent == id {
                    inv.push("parent_id", Problem::Conflicting { detail: "self_parent" });
                    return Ok(());
                }
                let parent_kw: Option<i64> = sqlx::query_scalar("SELECT key_work_id FROM tasks WHERE id = $1")
                    .bind(parent)
                    .fetch_optional(&mut *conn)
                    .await?;
                match parent_kw {
                    None => inv.push("parent_id", Problem::UnknownReference { what: "task", id: parent.to_string() }),
                    Some(kw) if kw != key_work_id => {
                        inv.push("parent_id", Problem::Conflicting { detail: "parent_other_key_work" })
                    }
                    Some(_) if id > 0 => {
                        // The chain of ancestors of the new parent; UNION stops on loops.
                        let chain: Vec<(i64, Option<i64>)> = sqlx::query_as(
                            "WITH RECURSIVE up(id, parent_id) AS ( \
                               SELECT id, parent_id FROM tasks WHERE id = $1 \
                               UNION SELECT t.id, t.parent_id FROM tasks t JOIN up ON t.id = up.parent_id) \
                             SELECT id, parent_id FROM up",
                        )
                        .bind(parent)
                        .fetch_all(&mut *conn)
                        .await?;
                        let parent_of = |x: Id| chain.iter().find(|(c, _)| *c == x).and_then(|(_, p)| *p);
                        if tuijin_domain::graph::parent_creates_cycle(id, parent, parent_of) {
                            inv.push("parent_id", Problem::Cycle);
                        }
                    }
                    Some(_) => {}
                }
                Ok(())
            }

            /// Inserts a checked task with its links and its creation in the
            /// history, in the caller's transaction (a meeting's decision
            /// creates its task in its own).
            async fn insert_task(
                conn: &mut <$DB as sqlx::Database>::Connection,
                actor: &Actor,
                f: &TaskFields,
                now: DateTime<Utc>,
            ) -> Result<Id> {
                let mut qb: QueryBuilder<$DB> =
                    QueryBuilder::new(format!("INSERT INTO tasks ({NEW_TASK_COLUMNS}, created_at, updated_at) "));
                Self::push_rows(&mut qb, vec![new_task_row(f.clone())], |qb| {
                    qb.push(", ").push_bind(now).push(", ").push_bind(now);
                });
                qb.push(" RETURNING id");
                let id: i64 = qb.build_query_scalar().fetch_one(&mut *conn).await?;
                Self::write_task_links(&mut *conn, id, f, false).await?;
                Self::history(&mut *conn, actor, "task", id, Some(id), "create", &diff(None, Some(f))).await?;
                Ok(id)
            }

            /// Replaces the supporting units and leaders of a task, keeping their order.
            async fn write_task_links(
                conn: &mut <$DB as sqlx::Database>::Connection,
                id: Id,
                f: &TaskFields,
                replace: bool,
            ) -> Result<()> {
                if replace {
                    sqlx::query("DELETE FROM task_supporting_units WHERE task_id = $1").bind(id).execute(&mut *conn).await?;
                    sqlx::query("DELETE FROM task_leaders WHERE task_id = $1").bind(id).execute(&mut *conn).await?;
                }
                for (table, column, ids) in [
                    ("task_supporting_units", "unit_id", &f.supporting_unit_ids),
                    ("task_leaders", "person_id", &f.leader_ids),
                ] {
                    if ids.is_empty() {
                        continue;
                    }
                    let mut qb: QueryBuilder<$DB> = QueryBuilder::new(format!("INSERT INTO {table} (task_id, {column}, position) "));
                    qb.push_values(ids.iter().enumerate(), |mut b, (pos, other)| {
                        b.push_bind(id).push_bind(*other).push_bind(pos as i64);
                    });
                    qb.build().execute(&mut *conn).await?;
                }
                Ok(())
            }
        }

        #[async_trait]
        impl LedgerStore for SqlStore<$DB> {
            async fn list_tasks(&self, q: &TaskQuery) -> Result<Page<Task>> {
                let mut conn = self.pool.acquire().await?;
                let mut count: QueryBuilder<$DB> = QueryBuilder::new("SELECT COUNT(*) FROM tasks");
                Self::push_task_filters(&mut count, q);
                let total: i64 = count.build_query_scalar().fetch_one(&mut *conn).await?;
                let mut qb: QueryBuilder<$DB> = QueryBuilder::new(Self::task_select());
                Self::push_task_filters(&mut qb, q);
                let dir = if q.descending { "DESC" } else { "ASC" };
                qb.push(format!(" ORDER BY {} {dir} NULLS LAST, id {dir}", q.sort.column()));
                qb.push(" LIMIT ").push_bind(i64::from(q.per_page)).push(" OFFSET ").push_bind(q.offset());
                let rows: Vec<TaskRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
                let items = rows.into_iter().map(TaskRow::into_task).collect::<Result<_>>()?;
                Ok(Page { items, total, page: q.page, per_page: q.per_page })
            }

            async fn ledger_rows(&self, q: &TaskQuery) -> Result<(Vec<LedgerTask>, Vec<LedgerMilestone>)> {
                // Each read returns ONE value: the rows as a JSON array built
                // by the database. A row at a time through the driver costs
                // ~10 µs on SQLite (1.1 s for 100,000 tasks); the JSON is
                // built in C and parsed by serde in a fraction of that.
                let (json_agg, json_row, text_agg, cast) = $json;
                let dir = if q.descending { "DESC" } else { "ASC" };
                let order: String =
                    q.sort.column().split(", ").map(|c| format!("{c} {dir} NULLS LAST")).collect::<Vec<_>>().join(", ");
                let mut tq: QueryBuilder<$DB> = QueryBuilder::new(format!(
                    "SELECT CAST({json_agg}({json_row}(id, key_work_id, parent_id, code, title, description, lead_unit_id, \
                     priority, status, start_date, due_date, target_value, target_measure, planned_investment, \
                     completed_investment, percent_complete, tags, version, \
                     (SELECT {text_agg}(unit_id{cast}, ',' ORDER BY position) FROM task_supporting_units l WHERE l.task_id = tasks.id), \
                     (SELECT {text_agg}(person_id{cast}, ',' ORDER BY position) FROM task_leaders l WHERE l.task_id = tasks.id)) \
                     ORDER BY {order}, id {dir}) AS TEXT) FROM tasks"
                ));
                Self::push_task_filters(&mut tq, q);
                let mut mq: QueryBuilder<$DB> = QueryBuilder::new(format!(
                    "SELECT CAST({json_agg}({json_row}(id, task_id, title, planned_date, planned_value, actual_date, actual_value, \
                     done, version) ORDER BY task_id, planned_date, id) AS TEXT) FROM milestones WHERE task_id IN (SELECT id FROM tasks"
                ));
                Self::push_task_filters(&mut mq, q);
                mq.push(")");
                let (tasks, milestones): (Option<String>, Option<String>) = tokio::try_join!(
                    tq.build_query_scalar().fetch_one(&self.pool),
                    mq.build_query_scalar().fetch_one(&self.pool),
                )?;
                Ok((ledger_tasks(tasks.as_deref())?, ledger_milestones(milestones.as_deref())?))
            }

            async fn get_task(&self, id: Id) -> Result<Task> {
                Self::fetch_task(&mut *self.pool.acquire().await?, id).await
            }

            async fn open_tasks(&self) -> Result<Vec<Task>> {
                let rows: Vec<TaskRow> =
                    sqlx::query_as(&format!("{} WHERE status NOT IN ('done', 'cancelled') ORDER BY id", Self::task_select()))
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter().map(TaskRow::into_task).collect()
            }

            async fn create_task(&self, actor: &Actor, f: Valid<TaskFields>) -> Result<Task> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                Self::check_task(&mut *tx, &f, None, 0).await?;
                let now = now();
                let id = Self::insert_task(&mut *tx, actor, &f, now).await?;
                tx.commit().await?;
                Ok(Task { id, fields: f.into_inner(), version: 1, created_at: now, updated_at: now })
            }

            async fn update_task(&self, actor: &Actor, old: &Task, f: Valid<TaskFields>) -> Result<Task> {
                let (o, n) = (&old.fields, &*f);
                let changes = diff(Some(o), Some(n));
                if changes.is_empty() {
                    return Ok(old.clone());
                }
                let now = now();
                let links_changed = o.supporting_unit_ids != n.supporting_unit_ids || o.leader_ids != n.leader_ids;
                // Each statement is a round trip to SQLite's worker thread,
                // and they queue behind the write lock; so on SQLite the
                // common update (links unchanged) is one trip — measured
                // 2,800 → 4,000 updates/s. Other updates take the plain path.
                let written = if $one_trip && !links_changed {
                    self.update_task_one_trip(actor, old, n.clone(), &changes, now).await?
                } else {
                    let _w = self.write_guard().await;
                    let mut tx = self.begin_write().await?;
                    Self::check_task(&mut *tx, n, Some(o), old.id).await?;
                    let mut qb: QueryBuilder<$DB> = QueryBuilder::new("");
                    Self::push_task_update(&mut qb, o, n, old, now);
                    let ok = qb.build().execute(&mut *tx).await?.rows_affected() == 1;
                    if ok {
                        if links_changed {
                            Self::write_task_links(&mut *tx, old.id, n, true).await?;
                        }
                        Self::history(&mut *tx, actor, "task", old.id, Some(old.id), "update", &changes).await?;
                        tx.commit().await?;
                    }
                    ok
                };
                if !written {
                    return Err(conflict(&self.get_task(old.id).await?));
                }
                Ok(Task { fields: f.into_inner(), version: old.version + 1, updated_at: now, ..old.clone() })
            }

            async fn delete_task(&self, actor: &Actor, id: Id) -> Result<()> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let old = Self::fetch_task(&mut *tx, id).await?;
                let milestones: Vec<MilestoneRow> = sqlx::query_as("SELECT * FROM milestones WHERE task_id = $1")
                    .bind(id)
                    .fetch_all(&mut *tx)
                    .await?;
                let relations: Vec<RelationRow> =
                    sqlx::query_as("SELECT * FROM task_relations WHERE predecessor_id = $1 OR successor_id = $1")
                        .bind(id)
                        .fetch_all(&mut *tx)
                        .await?;
                sqlx::query("DELETE FROM tasks WHERE id = $1").bind(id).execute(&mut *tx).await.map_err(delete_error)?;
                // The cascade removed milestones and relations; the trail keeps them.
                for m in milestones.into_iter().map(Milestone::from) {
                    Self::history(&mut *tx, actor, "milestone", m.id, Some(id), "delete", &diff(Some(&m.fields), None)).await?;
                }
                for r in relations.into_iter().map(Relation::from) {
                    let other = if r.fields.predecessor_id == id { r.fields.successor_id } else { r.fields.predecessor_id };
                    let changes = diff(Some(&r.fields), None);
                    Self::history(&mut *tx, actor, "relation", r.id, Some(id), "delete", &changes).await?;
                    Self::history(&mut *tx, actor, "relation", r.id, Some(other), "delete", &changes).await?;
                }
                Self::history(&mut *tx, actor, "task", id, Some(id), "delete", &diff(Some(&old.fields), None)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn key_work_summaries(&self, today: chrono::NaiveDate) -> Result<Vec<KeyWorkSummary>> {
                let soon = today + chrono::Days::new(7);
                // One row per key work and status; sums cast so both backends return BIGINT.
                // A sub-task's investment is part of its parent's when the parent
                // carries one: count only the topmost task with an investment.
                const TOPMOST: &str =
                    "NOT EXISTS (SELECT 1 FROM tasks p WHERE p.id = t.parent_id AND p.planned_investment IS NOT NULL)";
                let rows: Vec<(i64, String, i64, i64, i64, i64, i64, i64, i64)> = sqlx::query_as(&format!(
                    "SELECT key_work_id, status, COUNT(*), \
                       CAST(SUM(CASE WHEN due_date < $1 AND status NOT IN ('done', 'cancelled') THEN 1 ELSE 0 END) AS BIGINT), \
                       CAST(SUM(CASE WHEN due_date >= $1 AND due_date <= $2 AND status NOT IN ('done', 'cancelled') THEN 1 ELSE 0 END) AS BIGINT), \
                       CAST(SUM(CASE WHEN target_value IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT), \
                       CAST(COALESCE(SUM(CASE WHEN target_value IS NOT NULL THEN percent_complete ELSE 0 END), 0) AS BIGINT), \
                       CAST(COALESCE(SUM(CASE WHEN {TOPMOST} THEN planned_investment END), 0) AS BIGINT), \
                       CAST(COALESCE(SUM(CASE WHEN {TOPMOST} THEN completed_investment END), 0) AS BIGINT) \
                     FROM tasks t GROUP BY key_work_id, status ORDER BY key_work_id"
                ))
                .bind(today)
                .bind(soon)
                .fetch_all(&self.pool)
                .await?;
                Ok(crate::storage::summaries_from_rows(rows))
            }

            async fn task_history(&self, task_id: Id) -> Result<Vec<HistoryEntry>> {
                let rows: Vec<HistoryRow> = sqlx::query_as("SELECT * FROM history WHERE task_id = $1 ORDER BY id")
                    .bind(task_id)
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows.into_iter().map(HistoryEntry::from).collect())
            }

            async fn list_milestones(&self, task_id: Id) -> Result<Vec<Milestone>> {
                self.milestones_of(task_id).await
            }
            async fn milestones_of_tasks(&self, task_ids: &[Id]) -> Result<Vec<Milestone>> {
                if task_ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut qb: QueryBuilder<$DB> = QueryBuilder::new("SELECT * FROM milestones WHERE task_id IN (");
                let mut sep = qb.separated(", ");
                for id in task_ids {
                    sep.push_bind(*id);
                }
                qb.push(") ORDER BY task_id, planned_date, id");
                let rows: Vec<MilestoneRow> = qb.build_query_as().fetch_all(&self.pool).await?;
                Ok(rows.into_iter().map(Milestone::from).collect())
            }
            async fn get_milestone(&self, id: Id) -> Result<Milestone> {
                Self::fetch_milestone(&mut *self.pool.acquire().await?, id).await
            }
            async fn create_milestone(&self, actor: &Actor, task_id: Id, f: Valid<MilestoneFields>) -> Result<Milestone> {
                self.milestone_create(actor, task_id, f).await
            }
            async fn update_milestone(&self, actor: &Actor, old: &Milestone, f: Valid<MilestoneFields>) -> Result<Milestone> {
                self.milestone_update(actor, old, f).await
            }
            async fn delete_milestone(&self, actor: &Actor, id: Id) -> Result<()> {
                self.milestone_delete(actor, id).await
            }
            async fn list_relations(&self, task_id: Option<Id>) -> Result<Vec<Relation>> {
                self.relations_of(task_id).await
            }
            async fn get_relation(&self, id: Id) -> Result<Relation> {
                Self::fetch_relation(&mut *self.pool.acquire().await?, id).await
            }
            async fn create_relation(&self, actor: &Actor, f: Valid<RelationFields>) -> Result<Relation> {
                self.relation_create(actor, f).await
            }
            async fn update_relation(&self, actor: &Actor, old: &Relation, f: Valid<RelationFields>) -> Result<Relation> {
                self.relation_update(actor, old, f).await
            }
            async fn delete_relation(&self, actor: &Actor, id: Id) -> Result<()> {
                self.relation_delete(actor, id).await
            }
        }
    };
}
