-- The weekly reporting cycle: each key work's cadence and deadline, the
-- units' progress reports (one per task and period), and their evidence.

ALTER TABLE key_works ADD COLUMN report_cadence TEXT NOT NULL DEFAULT 'weekly'
    CHECK (report_cadence IN ('weekly','fortnightly','monthly'));
-- e.g. "thu 12:00" (weekly and fortnightly) or "25 12:00" (monthly)
ALTER TABLE key_works ADD COLUMN report_deadline TEXT NOT NULL DEFAULT 'thu 12:00';

CREATE TABLE progress_reports (
    id                      INTEGER PRIMARY KEY,
    task_id                 INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    -- the first day of the reporting period the report belongs to
    period_start            TEXT NOT NULL,
    status                  TEXT NOT NULL CHECK (status IN ('draft','submitted','returned','accepted')),
    progress                TEXT NOT NULL DEFAULT '',
    percent_complete        INTEGER CHECK (percent_complete BETWEEN 0 AND 1000000),
    actual_value            INTEGER CHECK (actual_value >= 0),
    investment_this_period  INTEGER CHECK (investment_this_period >= 0),
    problems                TEXT NOT NULL DEFAULT '',
    next_steps              TEXT NOT NULL DEFAULT '',
    coordination            TEXT NOT NULL DEFAULT '',
    coordination_leader_id  INTEGER REFERENCES people(id),
    coordination_unit_id    INTEGER REFERENCES units(id),
    submitted_at            TEXT,
    submitted_by            INTEGER REFERENCES users(id),
    reviewed_at             TEXT,
    reviewed_by             INTEGER REFERENCES users(id),
    return_reason           TEXT NOT NULL DEFAULT '',
    version                 INTEGER NOT NULL DEFAULT 1,
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL,
    UNIQUE (task_id, period_start)
);
CREATE INDEX progress_reports_period ON progress_reports(period_start, status);

-- Evidence (photos, PDFs) kept in the database: one backup holds
-- everything, and a file is served only through the permission check.
CREATE TABLE report_files (
    id            INTEGER PRIMARY KEY,
    report_id     INTEGER NOT NULL REFERENCES progress_reports(id) ON DELETE CASCADE,
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    content       BLOB NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX report_files_report ON report_files(report_id);
