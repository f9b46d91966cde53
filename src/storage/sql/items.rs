//! Milestones and relations: the parts of a task, each write recorded in
//! the history of the task(s) it belongs to.

macro_rules! impl_item_methods {
    ($DB:ty) => {
        impl SqlStore<$DB> {
            async fn milestones_of(&self, task_id: Id) -> Result<Vec<Milestone>> {
                let rows: Vec<MilestoneRow> =
                    sqlx::query_as("SELECT * FROM milestones WHERE task_id = $1 ORDER BY planned_date, id")
                        .bind(task_id)
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows.into_iter().map(Milestone::from).collect())
            }

            async fn milestone_create(&self, actor: &Actor, task_id: Id, f: Valid<MilestoneFields>) -> Result<Milestone> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM tasks WHERE id = $1")
                    .bind(task_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                if exists.is_none() {
                    return Err(StoreError::NotFound { entity: "task", id: task_id });
                }
                let now = now();
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO milestones (task_id, title, planned_date, planned_value, actual_date, actual_value, done, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
                )
                .bind(task_id)
                .bind(&f.title)
                .bind(f.planned_date)
                .bind(scaled(&f.planned_value))
                .bind(f.actual_date)
                .bind(scaled(&f.actual_value))
                .bind(f.done)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                Self::history(&mut *tx, actor, "milestone", id, Some(task_id), "create", &diff(None, Some(&*f))).await?;
                tx.commit().await?;
                Ok(Milestone { id, task_id, fields: f.into_inner(), version: 1, created_at: now, updated_at: now })
            }

            async fn milestone_update(&self, actor: &Actor, old: &Milestone, f: Valid<MilestoneFields>) -> Result<Milestone> {
                if old.fields == *f {
                    return Ok(old.clone());
                }
                let (id, version) = (old.id, old.version);
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let now = now();
                let done = sqlx::query(
                    "UPDATE milestones SET title = $1, planned_date = $2, planned_value = $3, actual_date = $4, actual_value = $5, \
                     done = $6, updated_at = $7, version = version + 1 WHERE id = $8 AND version = $9",
                )
                .bind(&f.title)
                .bind(f.planned_date)
                .bind(scaled(&f.planned_value))
                .bind(f.actual_date)
                .bind(scaled(&f.actual_value))
                .bind(f.done)
                .bind(now)
                .bind(id)
                .bind(version)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(conflict(&Self::fetch_milestone(&mut *tx, id).await?));
                }
                let changes = diff(Some(&old.fields), Some(&*f));
                Self::history(&mut *tx, actor, "milestone", id, Some(old.task_id), "update", &changes).await?;
                tx.commit().await?;
                Ok(Milestone { fields: f.into_inner(), version: version + 1, updated_at: now, ..old.clone() })
            }

            async fn milestone_delete(&self, actor: &Actor, id: Id) -> Result<()> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let old = Self::fetch_milestone(&mut *tx, id).await?;
                sqlx::query("DELETE FROM milestones WHERE id = $1").bind(id).execute(&mut *tx).await?;
                Self::history(&mut *tx, actor, "milestone", id, Some(old.task_id), "delete", &diff(Some(&old.fields), None)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn relations_of(&self, task_id: Option<Id>) -> Result<Vec<Relation>> {
                let rows: Vec<RelationRow> = match task_id {
                    Some(t) => {
                        sqlx::query_as("SELECT * FROM task_relations WHERE predecessor_id = $1 OR successor_id = $1 ORDER BY id")
                            .bind(t)
                            .fetch_all(&self.pool)
                            .await?
                    }
                    None => sqlx::query_as("SELECT * FROM task_relations ORDER BY id").fetch_all(&self.pool).await?,
                };
                Ok(rows.into_iter().map(Relation::from).collect())
            }

            /// History rows of a relation go to both tasks it links.
            async fn relation_history(
                conn: &mut <$DB as sqlx::Database>::Connection,
                actor: &Actor,
                id: Id,
                f: &RelationFields,
                action: &str,
                changes: &[FieldChange],
            ) -> Result<()> {
                for task in [f.predecessor_id, f.successor_id] {
                    Self::history(&mut *conn, actor, "relation", id, Some(task), action, changes).await?;
                }
                Ok(())
            }

            async fn relation_create(&self, actor: &Actor, f: Valid<RelationFields>) -> Result<Relation> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let mut inv = Invalid::default();
                Self::check_refs(&mut *tx, &mut inv, "tasks", "predecessor_id", "task", &[f.predecessor_id]).await?;
                Self::check_refs(&mut *tx, &mut inv, "tasks", "successor_id", "task", &[f.successor_id]).await?;
                inv.into_result(())?;
                let edges: Vec<(i64, i64)> = sqlx::query_as("SELECT predecessor_id, successor_id FROM task_relations")
                    .fetch_all(&mut *tx)
                    .await?;
                if edges.contains(&(f.predecessor_id, f.successor_id)) {
                    let value = format!("{} → {}", f.predecessor_id, f.successor_id);
                    return Err(Invalid::one("successor_id", Problem::Duplicate { value }).into());
                }
                if tuijin_domain::graph::precedence_creates_cycle(&edges, f.predecessor_id, f.successor_id) {
                    return Err(Invalid::one("successor_id", Problem::Cycle).into());
                }
                let now = now();
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO task_relations (predecessor_id, successor_id, lag_days, note, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
                )
                .bind(f.predecessor_id)
                .bind(f.successor_id)
                .bind(i64::from(f.lag_days))
                .bind(&f.note)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                Self::relation_history(&mut *tx, actor, id, &f, "create", &diff(None, Some(&*f))).await?;
                let r = Self::fetch_relation(&mut *tx, id).await?;
                tx.commit().await?;
                Ok(r)
            }

            async fn relation_update(&self, actor: &Actor, old: &Relation, f: Valid<RelationFields>) -> Result<Relation> {
                if old.fields == *f {
                    return Ok(old.clone());
                }
                let (id, version) = (old.id, old.version);
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let now = now();
                let done = sqlx::query(
                    "UPDATE task_relations SET lag_days = $1, note = $2, updated_at = $3, version = version + 1 WHERE id = $4 AND version = $5",
                )
                .bind(i64::from(f.lag_days))
                .bind(&f.note)
                .bind(now)
                .bind(id)
                .bind(version)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(conflict(&Self::fetch_relation(&mut *tx, id).await?));
                }
                let changes = diff(Some(&old.fields), Some(&*f));
                Self::relation_history(&mut *tx, actor, id, &old.fields, "update", &changes).await?;
                tx.commit().await?;
                Ok(Relation { fields: f.into_inner(), version: version + 1, updated_at: now, ..old.clone() })
            }

            async fn relation_delete(&self, actor: &Actor, id: Id) -> Result<()> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let old = Self::fetch_relation(&mut *tx, id).await?;
                sqlx::query("DELETE FROM task_relations WHERE id = $1").bind(id).execute(&mut *tx).await?;
                let changes = diff(Some(&old.fields), None);
                Self::relation_history(&mut *tx, actor, id, &old.fields, "delete", &changes).await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}
