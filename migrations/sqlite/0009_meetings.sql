-- Work meetings (工作例会): the meeting, the key works it is about, its
-- agenda (built from the ledger, then edited by the office) and its
-- decisions (议定事项), each assigned as a task (交办).

CREATE TABLE meetings (
    id          INTEGER PRIMARY KEY,
    -- the count within its first key work: "第12次工作例会"
    number      INTEGER NOT NULL CHECK (number > 0),
    title       TEXT NOT NULL CHECK (length(trim(title)) > 0),
    held_on     TEXT NOT NULL,
    starts_at   TEXT NOT NULL DEFAULT '',
    place       TEXT NOT NULL DEFAULT '',
    chair_id    INTEGER REFERENCES people(id),
    attendees   TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL CHECK (status IN ('planned','held')),
    minutes     TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX meetings_held_on ON meetings(held_on, id);

CREATE TABLE meeting_key_works (
    meeting_id   INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    key_work_id  INTEGER NOT NULL REFERENCES key_works(id),
    position     INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, key_work_id)
);
CREATE INDEX meeting_key_works_key_work ON meeting_key_works(key_work_id);

CREATE TABLE meeting_decisions (
    id                   INTEGER PRIMARY KEY,
    meeting_id           INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    position             INTEGER NOT NULL,
    content              TEXT NOT NULL CHECK (length(trim(content)) > 0),
    key_work_id          INTEGER NOT NULL REFERENCES key_works(id),
    parent_id            INTEGER REFERENCES tasks(id) ON DELETE SET NULL,
    lead_unit_id         INTEGER NOT NULL REFERENCES units(id),
    -- JSON lists of ids, in the order given
    supporting_unit_ids  TEXT NOT NULL DEFAULT '[]',
    leader_ids           TEXT NOT NULL DEFAULT '[]',
    deadline             TEXT NOT NULL,
    -- the assigned task (交办); kept while the task exists
    task_id              INTEGER UNIQUE REFERENCES tasks(id) ON DELETE SET NULL,
    version              INTEGER NOT NULL DEFAULT 1,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX meeting_decisions_meeting ON meeting_decisions(meeting_id, position);

CREATE TABLE agenda_items (
    id              INTEGER PRIMARY KEY,
    meeting_id      INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('red_task','yellow_task','coordination','open_decision','instruction','custom')),
    -- what a built item is about; kept as plain ids so an item outlives them
    task_id         INTEGER,
    report_id       INTEGER,
    decision_id     INTEGER,
    instruction_id  INTEGER,
    title           TEXT NOT NULL CHECK (length(trim(title)) > 0),
    detail          TEXT NOT NULL DEFAULT '',
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX agenda_items_meeting ON agenda_items(meeting_id, position);
