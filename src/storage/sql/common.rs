//! Helpers every part of the SQL store uses: the history writer, reference
//! checks and single-row fetches.

macro_rules! impl_common {
    // $agg: the string aggregate of the backend and the cast it needs.
    ($DB:ty, $agg:expr) => {
        impl SqlStore<$DB> {
            /// Appends one history row per changed field, in the caller's transaction.
            #[allow(clippy::too_many_arguments)]
            async fn history(
                conn: &mut <$DB as sqlx::Database>::Connection,
                actor: &Actor,
                entity: &str,
                entity_id: Id,
                task_id: Option<Id>,
                action: &str,
                changes: &[FieldChange],
            ) -> Result<()> {
                if changes.is_empty() {
                    return Ok(());
                }
                let mut qb: QueryBuilder<$DB> = QueryBuilder::new(HISTORY_INSERT);
                Self::push_history_values(&mut qb, actor, entity, entity_id, task_id, action, changes);
                qb.build().execute(&mut *conn).await?;
                Ok(())
            }

            /// Pushes `VALUES (…), (…)`: one history row per change, in the
            /// column order of [`HISTORY_INSERT`].
            #[allow(clippy::too_many_arguments)]
            fn push_history_values(
                qb: &mut QueryBuilder<'_, $DB>,
                actor: &Actor,
                entity: &str,
                entity_id: Id,
                task_id: Option<Id>,
                action: &str,
                changes: &[FieldChange],
            ) {
                let now = now();
                let user_id = (actor.user_id > 0).then_some(actor.user_id);
                qb.push_values(changes, |mut b, c| {
                    b.push_bind(now)
                        .push_bind(user_id)
                        .push_bind(actor.display_name.clone())
                        .push_bind(entity.to_string())
                        .push_bind(entity_id)
                        .push_bind(task_id)
                        .push_bind(action.to_string())
                        .push_bind(c.field.clone())
                        .push_bind(c.old.clone())
                        .push_bind(c.new.clone());
                });
            }

            /// Records in `inv` every id of `ids` that `table` does not hold.
            async fn check_refs(
                conn: &mut <$DB as sqlx::Database>::Connection,
                inv: &mut Invalid,
                table: &str,
                field: &str,
                what: &'static str,
                ids: &[Id],
            ) -> Result<()> {
                if ids.is_empty() {
                    return Ok(());
                }
                let mut qb: QueryBuilder<$DB> = QueryBuilder::new(format!("SELECT id FROM {table} WHERE id IN "));
                push_list(&mut qb, ids.iter().copied());
                let found: Vec<i64> = qb.build_query_scalar().fetch_all(&mut *conn).await?;
                for id in ids.iter().filter(|id| !found.contains(id)) {
                    inv.push(field, Problem::UnknownReference { what, id: id.to_string() });
                }
                Ok(())
            }

            /// Records a duplicate when `SELECT id … WHERE <cond>` finds a row.
            async fn check_unique(
                conn: &mut <$DB as sqlx::Database>::Connection,
                inv: &mut Invalid,
                sql: &str,
                field: &str,
                value: &str,
                except_id: Id,
            ) -> Result<()> {
                let taken: Option<i64> = sqlx::query_scalar(sql)
                    .bind(value.to_string())
                    .bind(except_id)
                    .fetch_optional(&mut *conn)
                    .await?;
                if taken.is_some() {
                    inv.push(field, Problem::Duplicate { value: value.to_string() });
                }
                Ok(())
            }

            /// One row of `table` by id, as its model.
            async fn fetch_row<R, M>(
                conn: &mut <$DB as sqlx::Database>::Connection,
                table: &str,
                entity: &'static str,
                id: Id,
            ) -> Result<M>
            where
                R: for<'r> sqlx::FromRow<'r, <$DB as sqlx::Database>::Row> + Send + Unpin,
                M: From<R>,
            {
                sqlx::query_as::<_, R>(&format!("SELECT * FROM {table} WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await?
                    .map(M::from)
                    .ok_or(StoreError::NotFound { entity, id })
            }

            /// Deletes a unit, person or key work, keeping its last state in
            /// the history; a row still referenced is refused.
            async fn delete_row<R, M>(&self, actor: &Actor, table: &str, entity: &'static str, id: Id) -> Result<()>
            where
                R: for<'r> sqlx::FromRow<'r, <$DB as sqlx::Database>::Row> + Send + Unpin,
                M: From<R> + HasFields,
            {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let old: M = Self::fetch_row::<R, M>(&mut *tx, table, entity, id).await?;
                sqlx::query(&format!("DELETE FROM {table} WHERE id = $1"))
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(delete_error)?;
                Self::history(&mut *tx, actor, entity, id, None, "delete", &diff(Some(old.fields()), None)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn fetch_unit(conn: &mut <$DB as sqlx::Database>::Connection, id: Id) -> Result<Unit> {
                Self::fetch_row::<UnitRow, Unit>(conn, "units", "unit", id).await
            }

            async fn fetch_person(conn: &mut <$DB as sqlx::Database>::Connection, id: Id) -> Result<Person> {
                Self::fetch_row::<PersonRow, Person>(conn, "people", "person", id).await
            }

            async fn fetch_key_work(conn: &mut <$DB as sqlx::Database>::Connection, id: Id) -> Result<KeyWork> {
                Self::fetch_row::<KeyWorkRow, KeyWork>(conn, "key_works", "key_work", id).await
            }

            async fn fetch_milestone(conn: &mut <$DB as sqlx::Database>::Connection, id: Id) -> Result<Milestone> {
                Self::fetch_row::<MilestoneRow, Milestone>(conn, "milestones", "milestone", id).await
            }

            async fn fetch_relation(conn: &mut <$DB as sqlx::Database>::Connection, id: Id) -> Result<Relation> {
                Self::fetch_row::<RelationRow, Relation>(conn, "task_relations", "relation", id).await
            }

            /// `SELECT … FROM tasks` with the supporting units and leaders
            /// aggregated into each row, so a task is read in one query.
            fn task_select() -> &'static str {
                static SELECT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
                    let (agg, cast) = $agg;
                    format!(
                        "SELECT {TASK_COLUMNS}, \
                         (SELECT {agg}(unit_id{cast}, ',' ORDER BY position) FROM task_supporting_units l WHERE l.task_id = tasks.id) AS supporting, \
                         (SELECT {agg}(person_id{cast}, ',' ORDER BY position) FROM task_leaders l WHERE l.task_id = tasks.id) AS leaders \
                         FROM tasks"
                    )
                });
                &SELECT
            }

            async fn fetch_task(conn: &mut <$DB as sqlx::Database>::Connection, id: Id) -> Result<Task> {
                sqlx::query_as::<_, TaskRow>(&format!("{} WHERE id = $1", Self::task_select()))
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await?
                    .ok_or(StoreError::NotFound { entity: "task", id })?
                    .into_task()
            }
        }
    };
}
