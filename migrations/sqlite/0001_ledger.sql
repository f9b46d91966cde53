-- The ledger core. Numbers (money in 万元, quantities, percentages) are
-- stored as integers of 1/10,000 so they stay exact on both backends.
-- Dates are ISO text (YYYY-MM-DD), timestamps RFC 3339 text.

CREATE TABLE units (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    short_name  TEXT NOT NULL DEFAULT '',
    sort_order  INTEGER NOT NULL DEFAULT 0,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE people (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    title       TEXT NOT NULL DEFAULT '',
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    sort_order  INTEGER NOT NULL DEFAULT 0,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX people_unit ON people(unit_id);

CREATE TABLE key_works (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    lead_body_unit_id  INTEGER NOT NULL REFERENCES units(id),
    lead_leader_id     INTEGER NOT NULL REFERENCES people(id),
    description        TEXT NOT NULL DEFAULT '',
    sort_order         INTEGER NOT NULL DEFAULT 0,
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);

CREATE TABLE tasks (
    id                    INTEGER PRIMARY KEY,
    key_work_id           INTEGER NOT NULL REFERENCES key_works(id),
    parent_id             INTEGER REFERENCES tasks(id),
    code                  TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 32),
    -- code with its numbers zero-padded, so "2" sorts before "10"
    code_key              TEXT NOT NULL,
    title                 TEXT NOT NULL CHECK (length(trim(title)) > 0),
    description           TEXT NOT NULL DEFAULT '',
    lead_unit_id          INTEGER NOT NULL REFERENCES units(id),
    priority              TEXT NOT NULL CHECK (priority IN ('urgent_important','important','normal','long_term')),
    priority_rank         INTEGER NOT NULL CHECK (priority_rank BETWEEN 1 AND 4),
    status                TEXT NOT NULL CHECK (status IN ('not_started','in_progress','done','paused','cancelled')),
    start_date            TEXT,
    due_date              TEXT,
    target_value          INTEGER CHECK (target_value >= 0),
    target_measure        TEXT,
    planned_investment    INTEGER CHECK (planned_investment >= 0),
    completed_investment  INTEGER CHECK (completed_investment >= 0),
    percent_complete      INTEGER NOT NULL DEFAULT 0 CHECK (percent_complete BETWEEN 0 AND 1000000),
    tags                  TEXT NOT NULL DEFAULT '[]',
    version               INTEGER NOT NULL DEFAULT 1,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    UNIQUE (key_work_id, code),
    CHECK (due_date IS NULL OR start_date IS NULL OR due_date >= start_date),
    CHECK ((target_value IS NULL) = (target_measure IS NULL)),
    CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX tasks_parent ON tasks(parent_id);
CREATE INDEX tasks_lead_unit_due ON tasks(lead_unit_id, due_date);
CREATE INDEX tasks_key_work_due ON tasks(key_work_id, due_date);
CREATE INDEX tasks_status_due ON tasks(status, due_date);
CREATE INDEX tasks_due ON tasks(due_date);
CREATE INDEX tasks_ledger_order ON tasks(key_work_id, code_key);

CREATE TABLE task_supporting_units (
    task_id   INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    unit_id   INTEGER NOT NULL REFERENCES units(id),
    position  INTEGER NOT NULL,
    PRIMARY KEY (task_id, unit_id)
);
CREATE INDEX task_supporting_units_unit ON task_supporting_units(unit_id);

CREATE TABLE task_leaders (
    task_id    INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    person_id  INTEGER NOT NULL REFERENCES people(id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (task_id, person_id)
);
CREATE INDEX task_leaders_person ON task_leaders(person_id);

CREATE TABLE milestones (
    id             INTEGER PRIMARY KEY,
    task_id        INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    title          TEXT NOT NULL CHECK (length(trim(title)) > 0),
    planned_date   TEXT NOT NULL,
    planned_value  INTEGER CHECK (planned_value >= 0),
    actual_date    TEXT,
    actual_value   INTEGER CHECK (actual_value >= 0),
    done           BOOLEAN NOT NULL DEFAULT FALSE,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX milestones_task ON milestones(task_id, planned_date);

CREATE TABLE task_relations (
    id              INTEGER PRIMARY KEY,
    predecessor_id  INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    successor_id    INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    lag_days        INTEGER NOT NULL DEFAULT 0,
    note            TEXT NOT NULL DEFAULT '',
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (predecessor_id, successor_id),
    CHECK (predecessor_id <> successor_id)
);
CREATE INDEX task_relations_successor ON task_relations(successor_id);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE CHECK (length(username) BETWEEN 1 AND 64),
    display_name   TEXT NOT NULL DEFAULT '',
    role           TEXT NOT NULL CHECK (role IN ('admin','supervisor','leader','liaison')),
    unit_id        INTEGER REFERENCES units(id),
    password_hash  TEXT,
    language       TEXT NOT NULL DEFAULT 'zh-CN',
    disabled       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TEXT NOT NULL,
    CHECK (role <> 'liaison' OR unit_id IS NOT NULL)
);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash    TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL
);

-- Append-only: rows are never updated or deleted, and no foreign key ties
-- them to the entity, so the trail outlives what it describes.
CREATE TABLE history (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    user_id     INTEGER,
    user_name   TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   INTEGER NOT NULL,
    task_id     INTEGER,
    action      TEXT NOT NULL CHECK (action IN ('create','update','delete')),
    field       TEXT NOT NULL,
    old_value   TEXT,
    new_value   TEXT
);
CREATE INDEX history_entity ON history(entity, entity_id);
CREATE INDEX history_task ON history(task_id, id);

CREATE TRIGGER history_no_update BEFORE UPDATE ON history
BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
CREATE TRIGGER history_no_delete BEFORE DELETE ON history
BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
