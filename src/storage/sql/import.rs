//! An Excel import written in one transaction: new units and people
//! first (the plan refers to them by negative ids until they exist), then
//! tasks level by level so parents have ids before their sub-tasks, then
//! milestones and progress words — each with its history. Rows go in
//! multi-row statements, so 50,000 tasks are a few hundred round trips.

use tuijin_domain::Id;

/// Rows per multi-row INSERT (18 values a task): SQLite allows 32,766
/// bound values a statement.
pub(super) const IMPORT_CHUNK: usize = 1_600;

/// The history of a row created by an import: one line saying where it
/// came from (field "import": sheet and row), not a line per field. The
/// row as created is its version 1, and every later change is kept with
/// its old value, so the state at creation stays recoverable; at 50,000
/// rows this is 50,000 short history rows instead of 750,000.
pub(super) fn created_from(source: String) -> Vec<tuijin_domain::history::FieldChange> {
    vec![tuijin_domain::history::FieldChange { field: "import".into(), old: None, new: Some(source) }]
}

/// The real id of a plan id: negative ids are the plan's new rows.
pub(super) fn resolve(id: Id, created: &[Id]) -> Id {
    if id < 0 {
        created.get((-id - 1) as usize).copied().unwrap_or(id)
    } else {
        id
    }
}

/// `rows` in Vecs of `n`, lazily (on the thread that binds them).
pub(super) fn chunked<T>(mut rows: impl Iterator<Item = T>, n: usize) -> impl Iterator<Item = Vec<T>> {
    std::iter::from_fn(move || {
        let chunk: Vec<T> = rows.by_ref().take(n).collect();
        (!chunk.is_empty()).then_some(chunk)
    })
}

/// Statements built (their values bound) on a blocking thread, a couple
/// ahead of the caller that runs them: binding a row's values costs about
/// as much as inserting it, so the two overlap on the two cores.
pub(super) struct BuiltAhead<T> {
    built: tokio::sync::mpsc::Receiver<T>,
    builder: tokio::task::JoinHandle<()>,
}

impl<T: Send + 'static> BuiltAhead<T> {
    pub(super) fn start(statements: impl Iterator<Item = T> + Send + 'static) -> BuiltAhead<T> {
        let (sender, built) = tokio::sync::mpsc::channel(2);
        let builder = tokio::task::spawn_blocking(move || {
            for statement in statements {
                // The receiver is gone when a statement failed: stop.
                if sender.blocking_send(statement).is_err() {
                    break;
                }
            }
        });
        BuiltAhead { built, builder }
    }

    pub(super) async fn next(&mut self) -> Option<T> {
        self.built.recv().await
    }

    /// Waits for the builder (after the last statement).
    pub(super) async fn finish(self) -> crate::storage::Result<()> {
        self.builder.await.map_err(|e| crate::storage::StoreError::Corrupt(format!("import statement builder: {e}")))
    }
}

/// The columns of a new task's row, in the order of [`new_task_row`];
/// `created_at` and `updated_at` follow.
pub(super) const NEW_TASK_COLUMNS: &str = "key_work_id, parent_id, code, code_key, title, description, lead_unit_id, \
    priority, priority_rank, status, start_date, due_date, target_value, target_measure, planned_investment, \
    completed_investment, percent_complete, tags";

/// A new task's values for [`NEW_TASK_COLUMNS`] (the one place a task
/// becomes a row: a single create and an import's thousands).
pub(super) fn new_task_row(f: tuijin_domain::task::TaskFields) -> Vec<Val> {
    use tuijin_domain::number::to_scaled;
    let code_key = f.code_key();
    let tags = serde_json::to_string(&f.tags).unwrap_or_else(|_| "[]".into());
    vec![
        Val::I(Some(f.key_work_id)),
        Val::I(f.parent_id),
        Val::T(Some(f.code)),
        Val::T(Some(code_key)),
        Val::T(Some(f.title)),
        Val::T(Some(f.description)),
        Val::I(Some(f.lead_unit_id)),
        Val::text(f.priority.as_str()),
        Val::I(Some(i64::from(f.priority.rank()))),
        Val::text(f.status.as_str()),
        Val::D(f.start_date),
        Val::D(f.due_date),
        Val::I(f.target.as_ref().map(|t| to_scaled(&t.value))),
        Val::T(f.target.map(|t| t.measure)),
        Val::I(super::rows::scaled(&f.planned_investment)),
        Val::I(super::rows::scaled(&f.completed_investment)),
        Val::I(Some(to_scaled(&f.percent_complete))),
        Val::T(Some(tags)),
    ]
}

/// One value of a bulk insert.
pub(super) enum Val {
    I(Option<i64>),
    T(Option<String>),
    D(Option<chrono::NaiveDate>),
    B(bool),
}

impl Val {
    pub(super) fn text(s: &str) -> Val {
        Val::T(Some(s.to_string()))
    }
}

macro_rules! impl_import_store {
    // $cte: whether the backend runs INSERT … RETURNING inside a WITH (PostgreSQL).
    ($DB:ty, $cte:literal) => {
        impl SqlStore<$DB> {
            /// `SELECT <the row's columns>, <tail> FROM <the rows>` for
            /// `INSERT … SELECT`; `tail` adds columns every row shares.
            fn push_rows(qb: &mut QueryBuilder<'_, $DB>, rows: Vec<Vec<Val>>, tail: impl FnOnce(&mut QueryBuilder<'_, $DB>)) {
                let width = rows.first().map_or(0, Vec::len);
                // VALUES columns are column1… on both backends. (Rows as one
                // JSON text unpacked by SQLite's json_each measured slower.)
                let cols: Vec<String> = (1..=width).map(|i| format!("column{i}")).collect();
                qb.push("SELECT ").push(cols.join(", "));
                tail(qb);
                qb.push(" FROM (");
                qb.push_values(rows, |mut b, row| {
                    for v in row {
                        match v {
                            Val::I(x) => b.push_bind(x),
                            Val::T(x) => b.push_bind(x),
                            Val::D(x) => b.push_bind(x),
                            Val::B(x) => b.push_bind(x),
                        };
                    }
                });
                qb.push(") AS v");
            }

            /// Runs `statements` in order, each built on another thread while
            /// the database runs the one before ([`BuiltAhead`]). The number
            /// with each statement is the rows it adds to `progress`.
            async fn pipelined(
                conn: &mut <$DB as sqlx::Database>::Connection,
                statements: impl Iterator<Item = (QueryBuilder<'static, $DB>, usize)> + Send + 'static,
                progress: Option<&std::sync::atomic::AtomicUsize>,
            ) -> Result<()> {
                let mut built = BuiltAhead::start(statements);
                while let Some((mut qb, rows)) = built.next().await {
                    qb.build().execute(&mut *conn).await?;
                    if let Some(p) = progress {
                        p.fetch_add(rows, std::sync::atomic::Ordering::Relaxed);
                    }
                }
                built.finish().await
            }

            /// Multi-row history insert for many (entity id, task id, action, changes).
            async fn history_many(
                conn: &mut <$DB as sqlx::Database>::Connection,
                actor: &Actor,
                entity: &'static str,
                rows: Vec<(Id, Option<Id>, &'static str, Vec<FieldChange>)>,
            ) -> Result<()> {
                let now = now();
                let user_id = (actor.user_id > 0).then_some(actor.user_id);
                let name = actor.display_name.clone();
                let flat = rows.into_iter().flat_map(|(e, t, a, cs)| {
                    cs.into_iter().map(move |c| {
                        vec![Val::I(Some(e)), Val::I(t), Val::text(a), Val::T(Some(c.field)), Val::T(c.old), Val::T(c.new)]
                    })
                });
                let statements = chunked(flat, IMPORT_CHUNK).map(move |chunk| {
                    let mut qb: QueryBuilder<'static, $DB> = QueryBuilder::new(
                        "INSERT INTO history (entity_id, task_id, action, field, old_value, new_value, at, user_id, user_name, entity) ",
                    );
                    Self::push_rows(&mut qb, chunk, |qb| {
                        qb.push(", ").push_bind(now).push(", ").push_bind(user_id).push(", ");
                        qb.push_bind(name.clone()).push(", ").push_bind(entity);
                    });
                    (qb, 0)
                });
                Self::pipelined(conn, statements, None).await
            }

            /// The INSERT of one chunk of new tasks, its values bound.
            fn tasks_statement(chunk: Vec<TaskFields>, now: DateTime<Utc>) -> QueryBuilder<'static, $DB> {
                let rows: Vec<Vec<Val>> = chunk.into_iter().map(new_task_row).collect();
                let insert = format!("INSERT INTO tasks ({NEW_TASK_COLUMNS}, created_at, updated_at) ");
                // PostgreSQL returns the new ids from a CTE (see insert_tasks).
                let mut qb: QueryBuilder<'static, $DB> = QueryBuilder::new(if $cte { format!("WITH ins AS ({insert}") } else { insert });
                Self::push_rows(&mut qb, rows, |qb| {
                    qb.push(", ").push_bind(now).push(", ").push_bind(now);
                });
                if $cte {
                    qb.push(
                        " RETURNING id, key_work_id, code) \
                         SELECT CAST(json_agg(json_build_array(id, key_work_id, code)) AS TEXT) FROM ins",
                    );
                }
                qb
            }

            /// Inserts tasks (all new, parents already written) and returns their ids in order.
            async fn insert_tasks(
                conn: &mut <$DB as sqlx::Database>::Connection,
                tasks: &[TaskFields],
                progress: &std::sync::atomic::AtomicUsize,
            ) -> Result<Vec<Id>> {
                let now = now();
                let mut ids = Vec::with_capacity(tasks.len());
                let owned: Vec<TaskFields> = tasks.to_vec();
                let mut statements =
                    BuiltAhead::start(chunked(owned.into_iter(), IMPORT_CHUNK).map(move |chunk| Self::tasks_statement(chunk, now)));
                for chunk in tasks.chunks(IMPORT_CHUNK) {
                    let Some(mut qb) = statements.next().await else {
                        return Err(StoreError::Corrupt("import statements ended early".into()));
                    };
                    // The new ids come back as one JSON value, not a row each
                    // (the driver's cost per row is more than the insert's).
                    // PostgreSQL: RETURNING inside a CTE. SQLite has no such
                    // CTE, but the write lock is held: the rows above the
                    // largest id before are this statement's.
                    let json: Option<String> = if $cte {
                        qb.build_query_scalar().fetch_one(&mut *conn).await?
                    } else {
                        let before: i64 =
                            sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM tasks").fetch_one(&mut *conn).await?;
                        qb.build().execute(&mut *conn).await?;
                        sqlx::query_scalar(
                            "SELECT CAST(json_group_array(json_array(id, key_work_id, code)) AS TEXT) FROM tasks WHERE id > $1",
                        )
                        .bind(before)
                        .fetch_one(&mut *conn)
                        .await?
                    };
                    let rows: Vec<(i64, i64, String)> = serde_json::from_str(json.as_deref().unwrap_or("[]"))
                        .map_err(|e| StoreError::Corrupt(format!("imported task ids: {e}")))?;
                    let by_code: HashMap<(i64, &str), i64> = rows.iter().map(|(id, kw, c)| ((*kw, c.as_str()), *id)).collect();
                    for f in chunk {
                        ids.push(by_code.get(&(f.key_work_id, f.code.as_str())).copied().ok_or_else(|| {
                            StoreError::Corrupt(format!("imported task {} not returned", f.code))
                        })?);
                    }
                    progress.fetch_add(chunk.len(), std::sync::atomic::Ordering::Relaxed);
                }
                statements.finish().await?;
                Ok(ids)
            }

            /// The supporting units and leaders of new tasks.
            async fn insert_links(
                conn: &mut <$DB as sqlx::Database>::Connection,
                tasks: &[(Id, &TaskFields)],
            ) -> Result<()> {
                let rows = |list: fn(&TaskFields) -> &Vec<Id>| -> Vec<Vec<Val>> {
                    tasks
                        .iter()
                        .flat_map(|(id, f)| {
                            list(f).iter().enumerate().map(move |(pos, other)| vec![Val::I(Some(*id)), Val::I(Some(*other)), Val::I(Some(pos as i64))])
                        })
                        .collect()
                };
                let tables = [
                    ("task_supporting_units", "unit_id", rows(|f| &f.supporting_unit_ids)),
                    ("task_leaders", "person_id", rows(|f| &f.leader_ids)),
                ];
                let statements = tables.into_iter().flat_map(|(table, column, rows)| {
                    chunked(rows.into_iter(), IMPORT_CHUNK * 5).map(move |chunk| {
                        let mut qb: QueryBuilder<'static, $DB> =
                            QueryBuilder::new(format!("INSERT INTO {table} (task_id, {column}, position) "));
                        Self::push_rows(&mut qb, chunk, |_| {});
                        (qb, 0)
                    })
                });
                Self::pipelined(conn, statements, None).await
            }

            /// The INSERT of some milestones, their values bound.
            fn milestones_statement(chunk: Vec<(Id, MilestoneFields)>, now: DateTime<Utc>) -> QueryBuilder<'static, $DB> {
                let values: Vec<Vec<Val>> = chunk
                    .into_iter()
                    .map(|(task, f)| {
                        vec![
                            Val::I(Some(task)),
                            Val::T(Some(f.title)),
                            Val::D(Some(f.planned_date)),
                            Val::I(scaled(&f.planned_value)),
                            Val::D(f.actual_date),
                            Val::I(scaled(&f.actual_value)),
                            Val::B(f.done),
                        ]
                    })
                    .collect();
                let mut qb: QueryBuilder<'static, $DB> = QueryBuilder::new(
                    "INSERT INTO milestones (task_id, title, planned_date, planned_value, actual_date, actual_value, done, \
                     created_at, updated_at) ",
                );
                Self::push_rows(&mut qb, values, |qb| {
                    qb.push(", ").push_bind(now).push(", ").push_bind(now);
                });
                qb
            }

            /// Inserts the milestones of tasks this import created.
            async fn insert_fresh_milestones(
                conn: &mut <$DB as sqlx::Database>::Connection,
                rows: Vec<(Id, MilestoneFields)>,
                progress: &std::sync::atomic::AtomicUsize,
            ) -> Result<()> {
                let now = now();
                let statements = chunked(rows.into_iter(), IMPORT_CHUNK * 2).map(move |chunk| {
                    let n = chunk.len();
                    (Self::milestones_statement(chunk, now), n)
                });
                Self::pipelined(conn, statements, Some(progress)).await
            }

            /// Inserts milestones of existing tasks and returns their ids in order.
            async fn insert_milestones_returning(
                conn: &mut <$DB as sqlx::Database>::Connection,
                rows: &[(Id, &MilestoneFields)],
                progress: &std::sync::atomic::AtomicUsize,
            ) -> Result<Vec<Id>> {
                let now = now();
                let mut ids = Vec::with_capacity(rows.len());
                for chunk in rows.chunks(IMPORT_CHUNK * 2) {
                    let owned = chunk.iter().map(|(task, f)| (*task, (*f).clone())).collect();
                    let mut qb = Self::milestones_statement(owned, now);
                    // Ids in insertion order: both backends assign them ascending within one statement.
                    qb.push(" RETURNING id");
                    let mut got: Vec<i64> = qb.build_query_scalar().fetch_all(&mut *conn).await?;
                    got.sort_unstable();
                    ids.extend(got);
                    progress.fetch_add(chunk.len(), std::sync::atomic::Ordering::Relaxed);
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
                if !key_works.is_empty() {
                    let mut qb: QueryBuilder<$DB> = QueryBuilder::new("SELECT id, key_work_id, code FROM tasks WHERE key_work_id IN ");
                    push_list(&mut qb, key_works.iter().copied());
                    let rows: Vec<(i64, i64, String)> = qb.build_query_as().fetch_all(&mut *tx).await?;
                    codes.extend(rows.into_iter().map(|(id, kw, code)| ((kw, code), id)));
                }
                // The tasks to update, as they are now, read in batches; one
                // changed (or deleted) since the preview stops everything.
                let mut old_tasks: HashMap<Id, Task> = HashMap::new();
                let updated: Vec<(Id, i64)> = plan.tasks.iter().filter_map(|t| t.existing).collect();
                for batch in updated.chunks(1_000) {
                    let mut qb: QueryBuilder<$DB> = QueryBuilder::new(format!("{} WHERE id IN ", Self::task_select()));
                    push_list(&mut qb, batch.iter().map(|(id, _)| *id));
                    let rows: Vec<TaskRow> = qb.build_query_as().fetch_all(&mut *tx).await?;
                    for row in rows {
                        let task = row.into_task()?;
                        old_tasks.insert(task.id, task);
                    }
                }
                if updated.iter().any(|(id, version)| old_tasks.get(id).map(|t| t.version) != Some(*version)) {
                    return Err(Invalid::one("code", Problem::Conflicting { detail: "changed_since_preview" }).into());
                }
                let mut depth = 0;
                let mut ids: Vec<Id> = vec![0; plan.tasks.len()];
                loop {
                    let level: Vec<usize> = (0..plan.tasks.len()).filter(|i| plan.tasks[*i].depth() == depth).collect();
                    if level.is_empty() && plan.tasks.iter().all(|t| t.depth() <= depth) {
                        break;
                    }
                    let mut new_fields = Vec::new();
                    let mut new_index = Vec::new();
                    let mut history: Vec<(Id, Option<Id>, &'static str, Vec<FieldChange>)> = Vec::new();
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
                            Some((id, _)) => {
                                let old = &old_tasks[&id];
                                let changes = diff(Some(&old.fields), Some(&f));
                                if !changes.is_empty() {
                                    let mut qb: QueryBuilder<$DB> = QueryBuilder::new("");
                                    Self::push_task_update(&mut qb, &old.fields, &f, old, now);
                                    qb.build().execute(&mut *tx).await?;
                                    if old.fields.supporting_unit_ids != f.supporting_unit_ids || old.fields.leader_ids != f.leader_ids {
                                        Self::write_task_links(&mut *tx, id, &f, true).await?;
                                    }
                                    history.push((id, Some(id), "update", changes));
                                }
                                ids[i] = id;
                                out.tasks_updated += 1;
                                job.progress.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }
                    let created = Self::insert_tasks(&mut *tx, &new_fields, job.progress).await?;
                    tracing::debug!(ms = started.elapsed().as_millis() as u64, depth, "import: tasks inserted");
                    let links: Vec<(Id, &TaskFields)> = created.iter().copied().zip(new_fields.iter()).collect();
                    Self::insert_links(&mut *tx, &links).await?;
                    tracing::debug!(ms = started.elapsed().as_millis() as u64, depth, "import: links inserted");
                    for ((id, f), i) in created.iter().zip(&new_fields).zip(&new_index) {
                        codes.insert((f.key_work_id, f.code.clone()), *id);
                        ids[*i] = *id;
                        let t = &plan.tasks[*i];
                        history.push((*id, Some(*id), "create", created_from(format!("{} {}", t.sheet, t.row + 1))));
                    }
                    out.tasks_created += created.len();
                    Self::history_many(&mut *tx, actor, "task", history).await?;
                    depth += 1;
                }
                tracing::debug!(ms = started.elapsed().as_millis() as u64, "import: tasks written");
                Self::import_milestones(&mut *tx, actor, job, &ids, &mut out).await?;
                tracing::debug!(ms = started.elapsed().as_millis() as u64, "import: milestones written");
                Self::import_progress(&mut *tx, actor, job, &ids, &mut out).await?;
                job.progress.store(plan.work(), Ordering::Relaxed);
                Ok(out)
            }

            async fn import_milestones(
                tx: &mut <$DB as sqlx::Database>::Connection,
                actor: &Actor,
                job: &ImportJob<'_>,
                ids: &[Id],
                out: &mut ImportOutcome,
            ) -> Result<()> {
                let plan = job.plan;
                let now = now();
                let fresh: std::collections::HashSet<Id> =
                    plan.tasks.iter().zip(ids).filter(|(t, _)| t.existing.is_none()).map(|(_, id)| *id).collect();
                // Milestones of tasks this import created come with their
                // task's history line; those added to existing tasks get their own.
                let (on_fresh, on_existing): (Vec<(Id, &MilestoneFields)>, Vec<(Id, &MilestoneFields)>) = plan
                    .tasks
                    .iter()
                    .zip(ids)
                    .flat_map(|(t, id)| t.milestones.create.iter().map(move |m| (*id, m)))
                    .partition(|(tid, _)| fresh.contains(tid));
                let fresh_count = on_fresh.len();
                let owned = on_fresh.into_iter().map(|(id, f)| (id, f.clone())).collect();
                Self::insert_fresh_milestones(&mut *tx, owned, job.progress).await?;
                let created = Self::insert_milestones_returning(&mut *tx, &on_existing, job.progress).await?;
                let history: Vec<(Id, Option<Id>, &'static str, Vec<FieldChange>)> = created
                    .iter()
                    .zip(&on_existing)
                    .map(|(mid, (tid, f))| (*mid, Some(*tid), "create", diff(None, Some(*f))))
                    .collect();
                Self::history_many(&mut *tx, actor, "milestone", history).await?;
                out.milestones_created = fresh_count + created.len();
                let mut history: Vec<(Id, Option<Id>, &'static str, Vec<FieldChange>)> = Vec::new();
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
                Self::history_many(&mut *tx, actor, "milestone", history).await
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
                let mut history: Vec<(Id, Option<Id>, &'static str, Vec<FieldChange>)> = Vec::new();
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
                Self::history_many(&mut *tx, actor, "report", history).await
            }
        }

        #[async_trait]
        impl ImportStore for SqlStore<$DB> {
            async fn import_ledger(&self, actor: &Actor, job: &ImportJob<'_>) -> Result<ImportOutcome> {
                let _w = self.write_guard().await;
                let sqlite = self.write_lock.is_some();
                let mut conn = self.pool.acquire().await?;
                let written = async {
                    use sqlx::Connection;
                    // SQLite copies a large WAL back into the database file at
                    // the commit that makes it large (its auto-checkpoint),
                    // ~0.2 s for 50,000 tasks. The import's commit skips it;
                    // the same copy runs in the background once it is done.
                    // Its statement journals (a multi-row INSERT keeps one in
                    // case it fails half-way) stay in memory: ~0.1 s less for
                    // 50,000 tasks. Only here: the whole-ledger reads sort in
                    // temporary storage, measured 1.5 s instead of 0.9 s there.
                    if sqlite {
                        sqlx::query("PRAGMA wal_autocheckpoint = 0").execute(&mut *conn).await?;
                        sqlx::query("PRAGMA temp_store = MEMORY").execute(&mut *conn).await?;
                    }
                    let mut tx = if sqlite { conn.begin_with("BEGIN IMMEDIATE").await? } else { conn.begin().await? };
                    let out = Self::import_in(&mut *tx, actor, job).await?;
                    let t = std::time::Instant::now();
                    tx.commit().await?;
                    tracing::debug!(ms = t.elapsed().as_millis() as u64, "import: committed");
                    Ok::<_, StoreError>(out)
                }
                .await;
                if sqlite {
                    tokio::spawn(async move {
                        let mut restored = Ok(());
                        for pragma in ["PRAGMA wal_checkpoint(PASSIVE)", "PRAGMA wal_autocheckpoint = 1000", "PRAGMA temp_store = DEFAULT"] {
                            restored = restored.and(sqlx::query(pragma).execute(&mut *conn).await.map(|_| ()));
                        }
                        if let Err(e) = restored {
                            // The pool must not keep a connection set for imports.
                            tracing::warn!(error = %e, "resetting the connection after an import failed");
                            conn.close_on_drop();
                        }
                    });
                }
                written
            }
        }
    };
}
