-- Follow-up on tasks: leaders' instructions (批示) with the lead unit's
-- feedback (反馈), and requests to extend a deadline (延期申请).

CREATE TABLE instructions (
    id                   INTEGER PRIMARY KEY,
    task_id              INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    author_id            INTEGER REFERENCES users(id),
    author_name          TEXT NOT NULL,
    text                 TEXT NOT NULL,
    respond_within_days  INTEGER NOT NULL CHECK (respond_within_days BETWEEN 1 AND 60),
    answer_due           TEXT NOT NULL,
    -- set by the lead unit's first reply
    answered_at          TEXT,
    created_at           TEXT NOT NULL
);
CREATE INDEX instructions_task ON instructions(task_id, id);
CREATE INDEX instructions_unanswered ON instructions(answer_due) WHERE answered_at IS NULL;

CREATE TABLE instruction_replies (
    id              INTEGER PRIMARY KEY,
    instruction_id  INTEGER NOT NULL REFERENCES instructions(id) ON DELETE CASCADE,
    author_id       INTEGER REFERENCES users(id),
    author_name     TEXT NOT NULL,
    text            TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX instruction_replies_instruction ON instruction_replies(instruction_id, id);

CREATE TABLE extension_requests (
    id                 INTEGER PRIMARY KEY,
    task_id            INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    milestone_id       INTEGER REFERENCES milestones(id) ON DELETE CASCADE,
    -- the date in force when asked
    original_date      TEXT,
    requested_date     TEXT NOT NULL,
    reason             TEXT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('pending','approved','refused')),
    requested_by_name  TEXT NOT NULL,
    decided_by_name    TEXT,
    decided_at         TEXT,
    note               TEXT NOT NULL DEFAULT '',
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX extension_requests_task ON extension_requests(task_id, id);
CREATE INDEX extension_requests_pending ON extension_requests(status);
