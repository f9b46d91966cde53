//! Units, people and key works.

macro_rules! impl_reference_store {
    ($DB:ty) => {
        #[async_trait]
        impl ReferenceStore for SqlStore<$DB> {
            async fn list_units(&self) -> Result<Vec<Unit>> {
                let rows: Vec<UnitRow> = sqlx::query_as("SELECT * FROM units ORDER BY sort_order, id")
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows.into_iter().map(Unit::from).collect())
            }

            async fn get_unit(&self, id: Id) -> Result<Unit> {
                Self::fetch_unit(&mut *self.pool.acquire().await?, id).await
            }

            async fn create_unit(&self, actor: &Actor, f: Valid<UnitFields>) -> Result<Unit> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let mut inv = Invalid::default();
                Self::check_unique(&mut *tx, &mut inv, "SELECT id FROM units WHERE name = $1 AND id <> $2", "name", &f.name, 0).await?;
                inv.into_result(())?;
                let now = now();
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO units (name, short_name, sort_order, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
                )
                .bind(&f.name)
                .bind(&f.short_name)
                .bind(i64::from(f.sort_order))
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                Self::history(&mut *tx, actor, "unit", id, None, "create", &diff(None, Some(&*f))).await?;
                let unit = Self::fetch_unit(&mut *tx, id).await?;
                tx.commit().await?;
                Ok(unit)
            }

            async fn update_unit(&self, actor: &Actor, old: &Unit, f: Valid<UnitFields>) -> Result<Unit> {
                if old.fields == *f {
                    return Ok(old.clone());
                }
                let (id, version) = (old.id, old.version);
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let now = now();
                let mut inv = Invalid::default();
                Self::check_unique(&mut *tx, &mut inv, "SELECT id FROM units WHERE name = $1 AND id <> $2", "name", &f.name, id).await?;
                inv.into_result(())?;
                let done = sqlx::query(
                    "UPDATE units SET name = $1, short_name = $2, sort_order = $3, version = version + 1, updated_at = $4 WHERE id = $5 AND version = $6",
                )
                .bind(&f.name)
                .bind(&f.short_name)
                .bind(i64::from(f.sort_order))
                .bind(now)
                .bind(id)
                .bind(version)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(conflict(&Self::fetch_unit(&mut *tx, id).await?));
                }
                Self::history(&mut *tx, actor, "unit", id, None, "update", &diff(Some(&old.fields), Some(&*f))).await?;
                tx.commit().await?;
                Ok(Unit { fields: f.into_inner(), version: version + 1, updated_at: now, ..old.clone() })
            }

            async fn delete_unit(&self, actor: &Actor, id: Id) -> Result<()> {
                self.delete_row::<UnitRow, Unit>(actor, "units", "unit", id).await
            }

            async fn list_people(&self) -> Result<Vec<Person>> {
                let rows: Vec<PersonRow> = sqlx::query_as("SELECT * FROM people ORDER BY sort_order, id")
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows.into_iter().map(Person::from).collect())
            }

            async fn get_person(&self, id: Id) -> Result<Person> {
                Self::fetch_person(&mut *self.pool.acquire().await?, id).await
            }

            async fn create_person(&self, actor: &Actor, f: Valid<PersonFields>) -> Result<Person> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let mut inv = Invalid::default();
                Self::check_refs(&mut *tx, &mut inv, "units", "unit_id", "unit", &[f.unit_id]).await?;
                inv.into_result(())?;
                let now = now();
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO people (name, title, unit_id, sort_order, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
                )
                .bind(&f.name)
                .bind(&f.title)
                .bind(f.unit_id)
                .bind(i64::from(f.sort_order))
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                Self::history(&mut *tx, actor, "person", id, None, "create", &diff(None, Some(&*f))).await?;
                let person = Self::fetch_person(&mut *tx, id).await?;
                tx.commit().await?;
                Ok(person)
            }

            async fn update_person(&self, actor: &Actor, old: &Person, f: Valid<PersonFields>) -> Result<Person> {
                if old.fields == *f {
                    return Ok(old.clone());
                }
                let (id, version) = (old.id, old.version);
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let now = now();
                let mut inv = Invalid::default();
                Self::check_refs(&mut *tx, &mut inv, "units", "unit_id", "unit", &[f.unit_id]).await?;
                inv.into_result(())?;
                let done = sqlx::query(
                    "UPDATE people SET name = $1, title = $2, unit_id = $3, sort_order = $4, version = version + 1, updated_at = $5 WHERE id = $6 AND version = $7",
                )
                .bind(&f.name)
                .bind(&f.title)
                .bind(f.unit_id)
                .bind(i64::from(f.sort_order))
                .bind(now)
                .bind(id)
                .bind(version)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(conflict(&Self::fetch_person(&mut *tx, id).await?));
                }
                Self::history(&mut *tx, actor, "person", id, None, "update", &diff(Some(&old.fields), Some(&*f))).await?;
                tx.commit().await?;
                Ok(Person { fields: f.into_inner(), version: version + 1, updated_at: now, ..old.clone() })
            }

            async fn delete_person(&self, actor: &Actor, id: Id) -> Result<()> {
                self.delete_row::<PersonRow, Person>(actor, "people", "person", id).await
            }

            async fn list_key_works(&self) -> Result<Vec<KeyWork>> {
                let rows: Vec<KeyWorkRow> = sqlx::query_as("SELECT * FROM key_works ORDER BY sort_order, id")
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows.into_iter().map(KeyWork::from).collect())
            }

            async fn get_key_work(&self, id: Id) -> Result<KeyWork> {
                Self::fetch_key_work(&mut *self.pool.acquire().await?, id).await
            }

            async fn create_key_work(&self, actor: &Actor, f: Valid<KeyWorkFields>) -> Result<KeyWork> {
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                Self::check_key_work(&mut *tx, &f, 0).await?;
                let now = now();
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO key_works (name, lead_body_unit_id, lead_leader_id, description, sort_order, report_cadence, \
                     report_deadline, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
                )
                .bind(&f.name)
                .bind(f.lead_body_unit_id)
                .bind(f.lead_leader_id)
                .bind(&f.description)
                .bind(i64::from(f.sort_order))
                .bind(f.report_cadence.as_str())
                .bind(f.report_deadline.to_string())
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                Self::history(&mut *tx, actor, "key_work", id, None, "create", &diff(None, Some(&*f))).await?;
                let kw = Self::fetch_key_work(&mut *tx, id).await?;
                tx.commit().await?;
                Ok(kw)
            }

            async fn update_key_work(&self, actor: &Actor, old: &KeyWork, f: Valid<KeyWorkFields>) -> Result<KeyWork> {
                if old.fields == *f {
                    return Ok(old.clone());
                }
                let (id, version) = (old.id, old.version);
                let _w = self.write_guard().await;
                let mut tx = self.begin_write().await?;
                let now = now();
                Self::check_key_work(&mut *tx, &f, id).await?;
                let done = sqlx::query(
                    "UPDATE key_works SET name = $1, lead_body_unit_id = $2, lead_leader_id = $3, description = $4, sort_order = $5, \
                     report_cadence = $9, report_deadline = $10, version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8",
                )
                .bind(&f.name)
                .bind(f.lead_body_unit_id)
                .bind(f.lead_leader_id)
                .bind(&f.description)
                .bind(i64::from(f.sort_order))
                .bind(now)
                .bind(id)
                .bind(version)
                .bind(f.report_cadence.as_str())
                .bind(f.report_deadline.to_string())
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(conflict(&Self::fetch_key_work(&mut *tx, id).await?));
                }
                Self::history(&mut *tx, actor, "key_work", id, None, "update", &diff(Some(&old.fields), Some(&*f))).await?;
                tx.commit().await?;
                Ok(KeyWork { fields: f.into_inner(), version: version + 1, updated_at: now, ..old.clone() })
            }

            async fn delete_key_work(&self, actor: &Actor, id: Id) -> Result<()> {
                self.delete_row::<KeyWorkRow, KeyWork>(actor, "key_works", "key_work", id).await
            }
        }

        impl SqlStore<$DB> {
            async fn check_key_work(conn: &mut <$DB as sqlx::Database>::Connection, f: &KeyWorkFields, id: Id) -> Result<()> {
                let mut inv = Invalid::default();
                Self::check_unique(conn, &mut inv, "SELECT id FROM key_works WHERE name = $1 AND id <> $2", "name", &f.name, id).await?;
                Self::check_refs(conn, &mut inv, "units", "lead_body_unit_id", "unit", &[f.lead_body_unit_id]).await?;
                Self::check_refs(conn, &mut inv, "people", "lead_leader_id", "person", &[f.lead_leader_id]).await?;
                Ok(inv.into_result(())?)
            }
        }
    };
}
