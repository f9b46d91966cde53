//! Progress reports and their evidence. A review that accepts a report
//! writes the task's new actuals in the same transaction, so the ledger
//! never shows an accepted report that did not count (or the reverse).

macro_rules! impl_report_store {
    ($DB:ty) => {
        impl SqlStore<$DB> {
            async fn fetch_report(conn: &mut <$DB as sqlx::Database>::Connection, id: Id) -> Result<Report> {
                let row: Option<ReportRow> =
                    sqlx::query_as("SELECT * FROM progress_reports WHERE id = $1").bind(id).fetch_optional(&mut *conn).await?;
                let mut report = Report::try_from(row.ok_or(StoreError::NotFound { entity: "report", id })?)?;
                report.files = Self::files_of(conn, &[id]).await?;
                Ok(report)
            }

            async fn files_of(conn: &mut <$DB as sqlx::Database>::Connection, report_ids: &[Id]) -> Result<Vec<EvidenceFile>> {
                if report_ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut qb: QueryBuilder<$DB> = QueryBuilder::new(
                    "SELECT id, report_id, file_name, content_type, size, sha256, created_at FROM report_files WHERE report_id IN ",
                );
                push_list(&mut qb, report_ids.iter().copied());
                qb.push(" ORDER BY id");
                let rows: Vec<FileRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
                Ok(rows.into_iter().map(EvidenceFile::from).collect())
            }
        }

        #[async_trait]
        impl ReportStore for SqlStore<$DB> {
            async fn list_reports(&self, q: &ReportQuery) -> Result<Vec<Report>> {
                let mut qb: QueryBuilder<$DB> = QueryBuilder::new("SELECT r.* FROM progress_reports r");
                if q.lead_unit_id.is_some() {
                    qb.push(" JOIN tasks t ON t.id = r.task_id");
                }
                qb.push(" WHERE 1 = 1");
                if !q.task_ids.is_empty() {
                    qb.push(" AND r.task_id IN ");
                    push_list(&mut qb, q.task_ids.iter().copied());
                }
                if !q.period_starts.is_empty() {
                    qb.push(" AND r.period_start IN ");
                    push_list(&mut qb, q.period_starts.iter().copied());
                }
                if let Some(u) = q.lead_unit_id {
                    qb.push(" AND t.lead_unit_id = ").push_bind(u);
                }
                if !q.statuses.is_empty() {
                    qb.push(" AND r.status IN ");
                    push_list(&mut qb, q.statuses.iter().map(|s| s.as_str()));
                }
                qb.push(" ORDER BY r.period_start DESC, r.task_id");
                let mut conn = self.pool.acquire().await?;
                let rows: Vec<ReportRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
                let mut reports = rows.into_iter().map(Report::try_from).collect::<Result<Vec<_>>>()?;
                let ids: Vec<Id> = reports.iter().map(|r| r.id).collect();
                let mut files: std::collections::HashMap<Id, Vec<EvidenceFile>> = std::collections::HashMap::new();
                for f in Self::files_of(&mut *conn, &ids).await? {
                    files.entry(f.report_id).or_default().push(f);
                }
                for r in &mut reports {
                    r.files = files.remove(&r.id).unwrap_or_default();
                }
                Ok(reports)
            }

            async fn get_report(&self, id: Id) -> Result<Report> {
                Self::fetch_report(&mut *self.pool.acquire().await?, id).await
            }

            async fn save_report(&self, actor: &Actor, w: ReportWrite<'_>) -> Result<Report> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let f = &*w.fields;
                let mut inv = Invalid::default();
                if let Some(p) = f.coordination_leader_id {
                    Self::check_refs(&mut *tx, &mut inv, "people", "coordination_leader_id", "person", &[p]).await?;
                }
                if let Some(u) = f.coordination_unit_id {
                    Self::check_refs(&mut *tx, &mut inv, "units", "coordination_unit_id", "unit", &[u]).await?;
                }
                inv.into_result(())?;
                let now = now();
                let submitting = w.status == ReportStatus::Submitted;
                let target = match w.old {
                    None => {
                        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM tasks WHERE id = $1")
                            .bind(w.task_id)
                            .fetch_optional(&mut *tx)
                            .await?;
                        if exists.is_none() {
                            return Err(StoreError::NotFound { entity: "task", id: w.task_id });
                        }
                        let taken: Option<i64> =
                            sqlx::query_scalar("SELECT id FROM progress_reports WHERE task_id = $1 AND period_start = $2")
                                .bind(w.task_id)
                                .bind(w.period_start)
                                .fetch_optional(&mut *tx)
                                .await?;
                        if let Some(existing) = taken {
                            // Someone wrote this period's report meanwhile: a conflict, not a duplicate.
                            return Err(conflict(&Self::fetch_report(&mut *tx, existing).await?));
                        }
                        // A bare row at version 0; the UPDATE below fills it (version 1),
                        // so the fields are written by one statement for both cases.
                        let id: i64 = sqlx::query_scalar(
                            "INSERT INTO progress_reports (task_id, period_start, status, version, created_at, updated_at) \
                             VALUES ($1, $2, 'draft', 0, $3, $3) RETURNING id",
                        )
                        .bind(w.task_id)
                        .bind(w.period_start)
                        .bind(now)
                        .fetch_one(&mut *tx)
                        .await?;
                        (id, w.task_id, 0, None)
                    }
                    Some(old) => (old.id, old.task_id, old.version, Some(old)),
                };
                let (id, task_id, version, old) = target;
                let done = sqlx::query(
                    "UPDATE progress_reports SET status = $1, progress = $2, percent_complete = $3, actual_value = $4, \
                     investment_this_period = $5, problems = $6, next_steps = $7, coordination = $8, \
                     coordination_leader_id = $9, coordination_unit_id = $10, \
                     submitted_at = COALESCE($11, submitted_at), submitted_by = COALESCE($12, submitted_by), \
                     updated_at = $13, version = version + 1 WHERE id = $14 AND version = $15",
                )
                .bind(w.status.as_str())
                .bind(&f.progress)
                .bind(scaled(&f.percent_complete))
                .bind(scaled(&f.actual_value))
                .bind(scaled(&f.investment_this_period))
                .bind(&f.problems)
                .bind(&f.next_steps)
                .bind(&f.coordination)
                .bind(f.coordination_leader_id)
                .bind(f.coordination_unit_id)
                .bind(submitting.then_some(now))
                .bind(submitting.then_some(actor.user_id))
                .bind(now)
                .bind(id)
                .bind(version)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(conflict(&Self::fetch_report(&mut *tx, id).await?));
                }
                let mut changes = diff(old.map(|o| &o.fields), Some(f));
                if old.map(|o| o.status) != Some(w.status) {
                    changes.push(status_change(old.map(|o| o.status), w.status));
                }
                let action = if old.is_some() { "update" } else { "create" };
                Self::history(&mut *tx, actor, "report", id, Some(task_id), action, &changes).await?;
                let report = Self::fetch_report(&mut *tx, id).await?;
                tx.commit().await?;
                Ok(report)
            }

            async fn review_report(
                &self,
                actor: &Actor,
                old: &Report,
                status: ReportStatus,
                reason: &str,
                task: Option<(&Task, Valid<TaskFields>)>,
            ) -> Result<Report> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let now = now();
                let done = sqlx::query(
                    // The last reason stays after acceptance: the load table counts returns.
                    "UPDATE progress_reports SET status = $1, return_reason = CASE WHEN $2 = '' THEN return_reason ELSE $2 END, \
                     reviewed_at = $3, reviewed_by = $4, \
                     updated_at = $3, version = version + 1 WHERE id = $5 AND version = $6",
                )
                .bind(status.as_str())
                .bind(reason)
                .bind(now)
                .bind(actor.user_id)
                .bind(old.id)
                .bind(old.version)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(conflict(&Self::fetch_report(&mut *tx, old.id).await?));
                }
                let mut changes = vec![status_change(Some(old.status), status)];
                if !reason.is_empty() {
                    changes.push(FieldChange {
                        field: "return_reason".into(),
                        old: Some(old.return_reason.clone()),
                        new: Some(reason.to_string()),
                    });
                }
                Self::history(&mut *tx, actor, "report", old.id, Some(old.task_id), "update", &changes).await?;
                if let Some((t, n)) = task {
                    let task_changes = diff(Some(&t.fields), Some(&*n));
                    if !task_changes.is_empty() {
                        let mut qb: QueryBuilder<$DB> = QueryBuilder::new("");
                        Self::push_task_update(&mut qb, &t.fields, &n, t, now);
                        if qb.build().execute(&mut *tx).await?.rows_affected() != 1 {
                            return Err(conflict(&Self::fetch_task(&mut *tx, t.id).await?));
                        }
                        Self::history(&mut *tx, actor, "task", t.id, Some(t.id), "update", &task_changes).await?;
                    }
                }
                let report = Self::fetch_report(&mut *tx, old.id).await?;
                tx.commit().await?;
                Ok(report)
            }

            async fn add_report_file(&self, actor: &Actor, report_id: Id, file: NewFile) -> Result<EvidenceFile> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let report = Self::fetch_report(&mut *tx, report_id).await?;
                let now = now();
                let size = file.content.len() as i64;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO report_files (report_id, file_name, content_type, size, sha256, content, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(report_id)
                .bind(&file.file_name)
                .bind(&file.content_type)
                .bind(size)
                .bind(&file.sha256)
                .bind(&file.content)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                let change = FieldChange {
                    field: "file".into(),
                    old: None,
                    new: Some(file.file_name.clone()),
                };
                Self::history(&mut *tx, actor, "report_file", id, Some(report.task_id), "create", &[change]).await?;
                tx.commit().await?;
                Ok(EvidenceFile {
                    id,
                    report_id,
                    file_name: file.file_name,
                    content_type: file.content_type,
                    size,
                    sha256: file.sha256,
                    created_at: now,
                })
            }

            async fn report_file(&self, id: Id) -> Result<(EvidenceFile, Vec<u8>)> {
                let row: Option<(i64, i64, String, String, i64, String, DateTime<Utc>, Vec<u8>)> = sqlx::query_as(
                    "SELECT id, report_id, file_name, content_type, size, sha256, created_at, content FROM report_files WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
                let (id, report_id, file_name, content_type, size, sha256, created_at, content) =
                    row.ok_or(StoreError::NotFound { entity: "file", id })?;
                Ok((EvidenceFile { id, report_id, file_name, content_type, size, sha256, created_at }, content))
            }

            async fn delete_report_file(&self, actor: &Actor, id: Id) -> Result<()> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let row: Option<(String, i64)> = sqlx::query_as(
                    "SELECT f.file_name, r.task_id FROM report_files f JOIN progress_reports r ON r.id = f.report_id WHERE f.id = $1",
                )
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                let (name, task_id) = row.ok_or(StoreError::NotFound { entity: "file", id })?;
                sqlx::query("DELETE FROM report_files WHERE id = $1").bind(id).execute(&mut *tx).await?;
                let change = FieldChange { field: "file".into(), old: Some(name), new: None };
                Self::history(&mut *tx, actor, "report_file", id, Some(task_id), "delete", &[change]).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn report_load_rows(&self, period_starts: &[NaiveDate]) -> Result<Vec<LoadRow>> {
                if period_starts.is_empty() {
                    return Ok(Vec::new());
                }
                let mut qb: QueryBuilder<$DB> = QueryBuilder::new(
                    "SELECT r.task_id, t.key_work_id, t.lead_unit_id, r.period_start, r.submitted_at, \
                     (r.return_reason <> '') AS returned FROM progress_reports r JOIN tasks t ON t.id = r.task_id \
                     WHERE r.period_start IN ",
                );
                push_list(&mut qb, period_starts.iter().copied());
                Ok(qb.build_query_as().fetch_all(&self.pool).await?)
            }

            async fn latest_progress(&self, task_ids: &[Id]) -> Result<Vec<(Id, String)>> {
                // Each task's reports are walked from its latest period back
                // to the first accepted one (the (task_id, period_start)
                // index), not all of them grouped: with ten reports a task,
                // about a tenth of the rows. The pairs come back as one JSON
                // value per chunk: the driver's cost per row is more than the query's.
                let agg = if <$DB as sqlx::Database>::NAME == "PostgreSQL" {
                    "json_agg(json_build_array(id, p))"
                } else {
                    "json_group_array(json_array(id, p))"
                };
                let mut out = Vec::new();
                for chunk in task_ids.chunks(5_000) {
                    let mut qb: QueryBuilder<$DB> = QueryBuilder::new(format!(
                        "SELECT CAST({agg} AS TEXT) FROM (SELECT id, (SELECT r.progress FROM progress_reports r \
                         WHERE r.task_id = tasks.id AND r.status = 'accepted' ORDER BY r.period_start DESC LIMIT 1) AS p \
                         FROM tasks WHERE id IN "
                    ));
                    push_list(&mut qb, chunk.iter().copied());
                    qb.push(") AS latest WHERE p IS NOT NULL");
                    let json: Option<String> = qb.build_query_scalar().fetch_one(&self.pool).await?;
                    let pairs: Vec<(i64, String)> = serde_json::from_str(json.as_deref().unwrap_or("[]"))
                        .map_err(|e| StoreError::Corrupt(format!("latest progress: {e}")))?;
                    out.extend(pairs);
                }
                Ok(out)
            }

            async fn record_lamps(&self, rows: &[(Id, NaiveDate, tuijin_domain::lamp::LampCounts)]) -> Result<()> {
                if rows.is_empty() {
                    return Ok(());
                }
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let now = now();
                for (kw, period, c) in rows {
                    sqlx::query(
                        "INSERT INTO lamp_history (key_work_id, period_start, green, yellow, red, recorded_at) \
                         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key_work_id, period_start) \
                         DO UPDATE SET green = excluded.green, yellow = excluded.yellow, red = excluded.red, recorded_at = excluded.recorded_at",
                    )
                    .bind(kw)
                    .bind(period)
                    .bind(c.green as i64)
                    .bind(c.yellow as i64)
                    .bind(c.red as i64)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn lamp_history(&self, since: NaiveDate) -> Result<Vec<(Id, NaiveDate, tuijin_domain::lamp::LampCounts)>> {
                let rows: Vec<(i64, NaiveDate, i64, i64, i64)> = sqlx::query_as(
                    "SELECT key_work_id, period_start, green, yellow, red FROM lamp_history WHERE period_start >= $1 \
                     ORDER BY key_work_id, period_start",
                )
                .bind(since)
                .fetch_all(&self.pool)
                .await?;
                let n = |v: i64| usize::try_from(v).unwrap_or(0);
                Ok(rows
                    .into_iter()
                    .map(|(k, p, g, y, r)| (k, p, tuijin_domain::lamp::LampCounts { green: n(g), yellow: n(y), red: n(r) }))
                    .collect())
            }

            async fn progress_points(&self, task_ids: &[Id]) -> Result<Vec<(Id, NaiveDate, Decimal)>> {
                if task_ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut qb: QueryBuilder<$DB> = QueryBuilder::new(
                    "SELECT task_id, period_start, percent_complete FROM progress_reports \
                     WHERE status = 'accepted' AND percent_complete IS NOT NULL AND task_id IN ",
                );
                push_list(&mut qb, task_ids.iter().copied());
                qb.push(" ORDER BY task_id, period_start");
                let rows: Vec<(i64, NaiveDate, i64)> = qb.build_query_as().fetch_all(&self.pool).await?;
                Ok(rows.into_iter().map(|(t, d, p)| (t, d, tuijin_domain::number::from_scaled(p))).collect())
            }
        }
    };
}
