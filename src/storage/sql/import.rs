//! An Excel import written in one transaction: new units and people
//! first (the plan refers to them by negative ids until they exist), then
//! tasks level by level so parents have ids before their sub-tasks, then
//! milestones and progress words — each with its history. Rows go in
//! multi-row statements, so 50,000 tasks are a few hundred round trips.

use tuijin_domain::Id;

/// Rows per multi-row INSERT: SQLite allows 32,766 bound values.
pub(super) const IMPORT_CHUNK: usize = 1_000;

/// The history of a row created by an import: one line carrying the
/// whole new row (field "import"), not a line per field — at 50,000 rows
/// that is the difference between 50,000 history rows and 750,000. The
/// history page says "created" either way.
pub(super) fn snapshot<T: serde::Serialize>(fields: &T) -> Vec<tuijin_domain::history::FieldChange> {
    vec![tuijin_domain::history::FieldChange {
        field: "import".into(),
        old: None,
        new: Some(serde_json::to_string(fields).unwrap_or_default()),
    }]
}

/// The real id of a plan id: negative ids are the plan's new rows.
pub(super) fn resolve(id: Id, created: &[Id]) -> Id {
    if id < 0 {
        created.get((-id - 1) as usize).copied().unwrap_or(id)
    } else {
        id
    }
}

macro_rules! impl_import_store {
    ($DB:ty) => {
        impl SqlStore<$DB> {
            /// Multi-row history insert for many (entity id, task id, action, changes).
            async fn history_many(
                conn: &mut <$DB as sqlx::Database>::Connection,
                actor: &Actor,
                entity: &str,
                rows: &[(Id, Option<Id>, &str, Vec<FieldChange>)],
            ) -> Result<()> {
                let flat: Vec<(Id, Option<Id>, &str, &FieldChange)> =
                    rows.iter().flat_map(|(e, t, a, cs)| cs.iter().map(move |c| (*e, *t, *a, c))).collect();
                let now = now();
                let user_id = (actor.user_id > 0).then_some(actor.user_id);
                // What every row shares is bound once; VALUES carries the rest
                // (its columns are column1… on both backends).
                for chunk in flat.chunks(4_000) {
                    let mut qb: QueryBuilder<$DB> = QueryBuilder::new(HISTORY_INSERT);
                    qb.push("SELECT ")
                        .push_bind(now)
                        .push(", ")
                        .push_bind(user_id)
                        .push(", ")
                        .push_bind(actor.display_name.clone())
                        .push(", ")
                        .push_bind(entity.to_string())
                        .push(", column1, column2, column3, column4, column5, column6 FROM (");
                    qb.push_values(chunk, |mut b, (e, t, a, c)| {
                        b.push_bind(*e)
                            .push_bind(*t)
                            .push_bind(a.to_string())
                            .push_bind(c.field.clone())
                            .push_bind(c.old.clone())
                            .push_bind(c.new.clone());
                    });
                    qb.push(") AS v");
                    qb.build().execute(&mut *conn).await?;
                }
                Ok(())
            }

            /// Inserts tasks (all new, parents already written) and returns their ids in order.
            async fn insert_tasks(
                conn: &mut <$DB as sqlx::Database>::Connection,
                tasks: &[TaskFields],
            ) -> Result<Vec<Id>> {
                let now = now();
                let mut ids = Vec::with_capacity(tasks.len());
                for chunk in tasks.chunks(IMPORT_CHUNK) {
                    let mut qb: QueryBuilder<$DB> = QueryBuilder::new(
                        "INSERT INTO tasks (key_work_id, parent_id, code, code_key, title, description, lead_unit_id, priority, \
                         priority_rank, status, start_date, due_date, target_value, target_measure, planned_investment, \
                         completed_investment, percent_complete, tags, created_at, updated_at) ",
                    );
                    qb.push_values(chunk, |mut b, f| {
                        b.push_bind(f.key_work_id)
                            .push_bind(f.parent_id)
                            .push_bind(f.code.clone())
                            .push_bind(f.code_key())
                            .push_bind(f.title.clone())
                            .push_bind(f.description.clone())
                            .push_bind(f.lead_unit_id)
                            .push_bind(f.priority.as_str())
                            .push_bind(i64::from(f.priority.rank()))
                            .push_bind(f.status.as_str())
                            .push_bind(f.start_date)
                            .push_bind(f.due_date)
                            .push_bind(f.target.as_ref().map(|t| tuijin_domain::number::to_scaled(&t.value)))
                            .push_bind(f.target.as_ref().map(|t| t.measure.clone()))
                            .push_bind(scaled(&f.planned_investment))
                            .push_bind(scaled(&f.completed_investment))
                            .push_bind(tuijin_domain::number::to_scaled(&f.percent_complete))
                            .push_bind(serde_json::to_string(&f.tags).unwrap_or_else(|_| "[]".into()))
                            .push_bind(now)
                            .push_bind(now);
                    });
                    // RETURNING gives no promise of order: match by the unique (key work, code).
                    qb.push(" RETURNING id, key_work_id, code");
                    let rows: Vec<(i64, i64, String)> = qb.build_query_as().fetch_all(&mut *conn).await?;
                    let by_code: HashMap<(i64, &str), i64> = rows.iter().map(|(id, kw, c)| ((*kw, c.as_str()), *id)).collect();
                    for f in chunk {
                        ids.push(by_code.get(&(f.key_work_id, f.code.as_str())).copied().ok_or_else(|| {
                            StoreError::Corrupt(format!("imported task {} not returned", f.code))
                        })?);
                    }
                }
                Ok(ids)
            }

            /// The supporting units and leaders of new tasks.
            async fn insert_links(
                conn: &mut <$DB as sqlx::Database>::Connection,
                tasks: &[(Id, &TaskFields)],
            ) -> Result<()> {
                for (table, column) in [("task_supporting_units", "unit_id"), ("task_leaders", "person_id")] {
                    let rows: Vec<(Id, Id, i64)> = tasks
                        .iter()
                        .flat_map(|(id, f)| {
                            let list = if column == "unit_id" { &f.supporting_unit_ids } else { &f.leader_ids };
                            list.iter().enumerate().map(move |(pos, other)| (*id, *other, pos as i64))
                        })
                        .collect();
                    for chunk in rows.chunks(5_000) {
                        let mut qb: QueryBuilder<$DB> =
                            QueryBuilder::new(format!("INSERT INTO {table} (task_id, {column}, position) "));
                        qb.push_values(chunk, |mut b, (t, o, p)| {
                            b.push_bind(*t).push_bind(*o).push_bind(*p);
                        });
                        qb.build().execute(&mut *conn).await?;
                    }
                }
                Ok(())
            }

            async fn insert_milestones(
                conn: &mut <$DB as sqlx::Database>::Connection,
                rows: &[(Id, &MilestoneFields)],
            ) -> Result<Vec<Id>> {
                let now = now();
                let mut ids = Vec::with_capacity(rows.len());
                for chunk in rows.chunks(IMPORT_CHUNK * 2) {
                    let mut qb: QueryBuilder<$DB> = QueryBuilder::new(
                        "INSERT INTO milestones (task_id, title, planned_date, planned_value, actual_date, actual_value, done, \
                         created_at, updated_at) ",
                    );
                    qb.push_values(chunk, |mut b, (task, f)| {
                        b.push_bind(*task)
                            .push_bind(f.title.clone())
                            .push_bind(f.planned_date)
                            .push_bind(scaled(&f.planned_value))
                            .push_bind(f.actual_date)
                            .push_bind(scaled(&f.actual_value))
                            .push_bind(f.done)
                            .push_bind(now)
                            .push_bind(now);
                    });
                    // Ids in insertion order: both backends assign them ascending within one statement.
                    qb.push(" RETURNING id");
                    let mut got: Vec<i64> = qb.build_query_scalar().fetch_all(&mut *conn).await?;
                    got.sort_unstable();
                    ids.extend(got);
                }
                Ok(ids)
            }

            async fn import_in(
                tx: &mut <$DB as sqlx::Database>::Connection,
                actor: &Actor,
                job: &ImportJob<'_>,
            ) -> Result<ImportOutcome> {
                use std::sync::atomic::Ordering;
                let plan = job.plan;
                let started = std::time::Instant::now();
                let mut out = ImportOutcome::default();
                let now = now();
                // Units and people the user chose to create.
                let mut units = Vec::new();
                for name in &plan.new_units {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO units (name, short_name, sort_order, created_at, updated_at) VALUES ($1, '', 0, $2, $2) RETURNING id",
                    )
                    .bind(name)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| match db_error_kind(&e) {
                        Some(sqlx::error::ErrorKind::UniqueViolation) => {
                            StoreError::from(Invalid::one("name", Problem::Duplicate { value: name.clone() }))
                        }
                        _ => e.into(),
                    })?;
                    let f = UnitFields { name: name.clone(), short_name: String::new(), sort_order: 0 };
                    Self::history(&mut *tx, actor, "unit", id, None, "create", &diff(None, Some(&f))).await?;
                    units.push(id);
                }
                let mut people = Vec::new();
                for p in &plan.new_people {
                    let unit_id = resolve(p.unit_id, &units);
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO people (name, title, unit_id, sort_order, created_at, updated_at) VALUES ($1, $2, $3, 0, $4, $4) RETURNING id",
                    )
                    .bind(&p.name)
                    .bind(&p.title)
                    .bind(unit_id)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                    let f = PersonFields { name: p.name.clone(), title: p.title.clone(), unit_id, sort_order: 0 };
                    Self::history(&mut *tx, actor, "person", id, None, "create", &diff(None, Some(&f))).await?;
                    people.push(id);
                }
                out.units_created = units.len();
                out.people_created = people.len();
                let fields_of = |f: &TaskFields| {
                    let mut f = f.clone();
                    f.lead_unit_id = resolve(f.lead_unit_id, &units);
                    f.supporting_unit_ids = f.supporting_unit_ids.iter().map(|u| resolve(*u, &units)).collect();
                    f.leader_ids = f.leader_ids.iter().map(|p| resolve(*p, &people)).collect();
                    f
                };
                // The codes of the key works concerned, to find parents.
                let mut key_works: Vec<Id> = plan.tasks.iter().map(|t| t.fields.key_work_id).collect();
                key_works.sort_unstable();
                key_works.dedup();
                let mut codes: HashMap<(Id, String), Id> = HashMap::new();
                let mut versions: HashMap<Id, i64> = HashMap::new();
                if !key_works.is_empty() {
                    let mut qb: QueryBuilder<$DB> = QueryBuilder::new("SELECT id, key_work_id, code, version FROM tasks WHERE key_work_id IN ");
                    push_list(&mut qb, key_works.iter().copied());
                    let rows: Vec<(i64, i64, String, i64)> = qb.build_query_as().fetch_all(&mut *tx).await?;
                    for (id, kw, code, version) in rows {
                        codes.insert((kw, code), id);
                        versions.insert(id, version);
                    }
                }
                // A task changed since the preview stops everything.
                for t in &plan.tasks {
                    if let Some((id, version)) = t.existing {
                        if versions.get(&id) != Some(&version) {
                            return Err(Invalid::one("code", Problem::Conflicting { detail: "changed_since_preview" }).into());
                        }
                    }
                }
                let mut done = 0usize;
                let mut depth = 0;
                let mut ids: Vec<Id> = vec![0; plan.tasks.len()];
                loop {
                    let level: Vec<usize> = (0..plan.tasks.len()).filter(|i| plan.tasks[*i].depth() == depth).collect();
                    if level.is_empty() && plan.tasks.iter().all(|t| t.depth() <= depth) {
                        break;
                    }
                    let mut new_fields = Vec::new();
                    let mut new_index = Vec::new();
                    let mut history: Vec<(Id, Option<Id>, &str, Vec<FieldChange>)> = Vec::new();
                    for i in level {
                        let t = &plan.tasks[i];
                        let mut f = fields_of(&t.fields);
                        f.parent_id = match &t.parent_code {
                            Some(pc) => Some(codes.get(&(f.key_work_id, pc.clone())).copied().ok_or_else(|| {
                                StoreError::from(Invalid::one("parent_id", Problem::UnknownReference { what: "task", id: pc.clone() }))
                            })?),
                            None => None,
                        };
                        match t.existing {
                            None => {
                                new_fields.push(f);
                                new_index.push(i);
                            }
                            Some((id, version)) => {
                                let old: Task = Self::fetch_task(&mut *tx, id).await?;
                                if old.version != version {
                                    return Err(Invalid::one("code", Problem::Conflicting { detail: "changed_since_preview" }).into());
                                }
                                let changes = diff(Some(&old.fields), Some(&f));
                                if !changes.is_empty() {
                                    let mut qb: QueryBuilder<$DB> = QueryBuilder::new("");
                                    Self::push_task_update(&mut qb, &old.fields, &f, &old, now);
                                    qb.build().execute(&mut *tx).await?;
                                    if old.fields.supporting_unit_ids != f.supporting_unit_ids || old.fields.leader_ids != f.leader_ids {
                                        Self::write_task_links(&mut *tx, id, &f, true).await?;
                                    }
                                    history.push((id, Some(id), "update", changes));
                                }
                                ids[i] = id;
                                out.tasks_updated += 1;
                            }
                        }
                    }
                    let created = Self::insert_tasks(&mut *tx, &new_fields).await?;
                    tracing::debug!(ms = started.elapsed().as_millis() as u64, depth, "import: tasks inserted");
                    let links: Vec<(Id, &TaskFields)> = created.iter().copied().zip(new_fields.iter()).collect();
                    Self::insert_links(&mut *tx, &links).await?;
                    tracing::debug!(ms = started.elapsed().as_millis() as u64, depth, "import: links inserted");
                    for ((id, f), i) in created.iter().zip(&new_fields).zip(&new_index) {
                        codes.insert((f.key_work_id, f.code.clone()), *id);
                        ids[*i] = *id;
                        // The new task's milestones are part of its one history line.
                        let whole = serde_json::json!({ "task": f, "milestones": plan.tasks[*i].milestones.create });
                        history.push((*id, Some(*id), "create", snapshot(&whole)));
                    }
                    out.tasks_created += created.len();
                    Self::history_many(&mut *tx, actor, "task", &history).await?;
                    done += new_fields.len() + history.len();
                    job.progress.store(done.min(plan.tasks.len()), Ordering::Relaxed);
                    depth += 1;
                }
                tracing::debug!(ms = started.elapsed().as_millis() as u64, "import: tasks written");
                Self::import_milestones(&mut *tx, actor, plan, &ids, &mut out).await?;
                tracing::debug!(ms = started.elapsed().as_millis() as u64, "import: milestones written");
                Self::import_progress(&mut *tx, actor, job, &ids, &mut out).await?;
                job.progress.store(plan.tasks.len(), Ordering::Relaxed);
                Ok(out)
            }

            async fn import_milestones(
                tx: &mut <$DB as sqlx::Database>::Connection,
                actor: &Actor,
                plan: &tuijin_domain::extraction::plan::Plan,
                ids: &[Id],
                out: &mut ImportOutcome,
            ) -> Result<()> {
                let now = now();
                let fresh: std::collections::HashSet<Id> =
                    plan.tasks.iter().zip(ids).filter(|(t, _)| t.existing.is_none()).map(|(_, id)| *id).collect();
                let new: Vec<(Id, &MilestoneFields)> = plan
                    .tasks
                    .iter()
                    .zip(ids)
                    .flat_map(|(t, id)| t.milestones.create.iter().map(move |m| (*id, m)))
                    .collect();
                let created = Self::insert_milestones(&mut *tx, &new).await?;
                // Milestones of tasks this import created are in their task's line.
                let history: Vec<(Id, Option<Id>, &str, Vec<FieldChange>)> = created
                    .iter()
                    .zip(&new)
                    .filter(|(_, (tid, _))| !fresh.contains(tid))
                    .map(|(mid, (tid, f))| (*mid, Some(*tid), "create", snapshot(*f)))
                    .collect();
                Self::history_many(&mut *tx, actor, "milestone", &history).await?;
                out.milestones_created = created.len();
                let mut history: Vec<(Id, Option<Id>, &str, Vec<FieldChange>)> = Vec::new();
                for (t, task_id) in plan.tasks.iter().zip(ids) {
                    for (id, version, f) in &t.milestones.update {
                        let old = Self::fetch_milestone(&mut *tx, *id).await?;
                        if old.version != *version {
                            return Err(Invalid::one("milestones", Problem::Conflicting { detail: "changed_since_preview" }).into());
                        }
                        sqlx::query(
                            "UPDATE milestones SET title = $1, planned_date = $2, planned_value = $3, done = $4, updated_at = $5, \
                             version = version + 1 WHERE id = $6",
                        )
                        .bind(&f.title)
                        .bind(f.planned_date)
                        .bind(scaled(&f.planned_value))
                        .bind(f.done)
                        .bind(now)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                        history.push((*id, Some(*task_id), "update", diff(Some(&old.fields), Some(f))));
                        out.milestones_updated += 1;
                    }
                    for (id, _) in &t.milestones.delete {
                        let old = Self::fetch_milestone(&mut *tx, *id).await?;
                        sqlx::query("DELETE FROM milestones WHERE id = $1").bind(id).execute(&mut *tx).await.map_err(delete_error)?;
                        history.push((*id, Some(*task_id), "delete", diff(Some(&old.fields), None)));
                        out.milestones_deleted += 1;
                    }
                }
                Self::history_many(&mut *tx, actor, "milestone", &history).await
            }

            /// New progress words become the period's accepted report, unless
            /// the unit's own report for the period is still in the workflow.
            async fn import_progress(
                tx: &mut <$DB as sqlx::Database>::Connection,
                actor: &Actor,
                job: &ImportJob<'_>,
                ids: &[Id],
                out: &mut ImportOutcome,
            ) -> Result<()> {
                let now = now();
                let user_id = (actor.user_id > 0).then_some(actor.user_id);
                let mut history: Vec<(Id, Option<Id>, &str, Vec<FieldChange>)> = Vec::new();
                for (t, task_id) in job.plan.tasks.iter().zip(ids) {
                    let (Some(words), Some(period)) = (&t.progress, job.report_periods.get(&t.fields.key_work_id)) else {
                        continue;
                    };
                    let current: Option<(i64, String, String)> =
                        sqlx::query_as("SELECT id, status, progress FROM progress_reports WHERE task_id = $1 AND period_start = $2")
                            .bind(task_id)
                            .bind(period)
                            .fetch_optional(&mut *tx)
                            .await?;
                    let change = |old: Option<String>| {
                        vec![FieldChange { field: "progress".into(), old, new: Some(words.clone()) }]
                    };
                    match current {
                        None => {
                            let id: i64 = sqlx::query_scalar(
                                "INSERT INTO progress_reports (task_id, period_start, status, progress, percent_complete, \
                                 submitted_at, submitted_by, reviewed_at, reviewed_by, created_at, updated_at) \
                                 VALUES ($1, $2, 'accepted', $3, $4, $5, $6, $5, $6, $5, $5) RETURNING id",
                            )
                            .bind(task_id)
                            .bind(period)
                            .bind(words)
                            .bind(tuijin_domain::number::to_scaled(&t.fields.percent_complete))
                            .bind(now)
                            .bind(user_id)
                            .fetch_one(&mut *tx)
                            .await?;
                            history.push((id, Some(*task_id), "create", change(None)));
                            out.reports_written += 1;
                        }
                        Some((id, status, old)) if status == "accepted" => {
                            sqlx::query("UPDATE progress_reports SET progress = $1, updated_at = $2, version = version + 1 WHERE id = $3")
                                .bind(words)
                                .bind(now)
                                .bind(id)
                                .execute(&mut *tx)
                                .await?;
                            history.push((id, Some(*task_id), "update", change(Some(old))));
                            out.reports_written += 1;
                        }
                        Some(_) => out.reports_skipped += 1,
                    }
                }
                Self::history_many(&mut *tx, actor, "report", &history).await
            }
        }

        #[async_trait]
        impl ImportStore for SqlStore<$DB> {
            async fn import_ledger(&self, actor: &Actor, job: &ImportJob<'_>) -> Result<ImportOutcome> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let out = Self::import_in(&mut *tx, actor, job).await?;
                tx.commit().await?;
                Ok(out)
            }
        }
    };
}
