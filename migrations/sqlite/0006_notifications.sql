-- Reminders (催办) and their delivery: an outbox the background worker
-- drains. A notification is what is said to whom; each of its deliveries
-- is one channel to one recipient (an inbox, a mailbox, a group robot).

-- Accounts learn where mail reaches them, and which person of the ledger
-- they are (a leader's account ↔ the 责任领导 named on tasks).
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN person_id INTEGER REFERENCES people(id) ON DELETE SET NULL;
CREATE INDEX users_person ON users(person_id) WHERE person_id IS NOT NULL;

-- A unit's group robots (DingTalk, WeCom, Feishu).
CREATE TABLE unit_webhooks (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('dingtalk','wecom','feishu')),
    url         TEXT NOT NULL,
    -- the robot's signing secret (DingTalk 加签, Feishu 签名校验); '' = none
    secret      TEXT NOT NULL DEFAULT '',
    enabled     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TEXT NOT NULL
);
CREATE INDEX unit_webhooks_unit ON unit_webhooks(unit_id);

-- The addressee is a unit, a person, or both. References become NULL when
-- the row they name is deleted: the reminder stays as a record.
CREATE TABLE notifications (
    id               INTEGER PRIMARY KEY,
    created_at       TEXT NOT NULL,
    kind             TEXT NOT NULL,
    -- who enqueues decides the key; the same key twice is one notification,
    -- which is what keeps a restart or a second server from repeating it
    dedupe_key       TEXT NOT NULL UNIQUE,
    task_id          INTEGER REFERENCES tasks(id) ON DELETE SET NULL,
    unit_id          INTEGER REFERENCES units(id) ON DELETE SET NULL,
    person_id        INTEGER REFERENCES people(id) ON DELETE SET NULL,
    title            TEXT NOT NULL,
    body             TEXT NOT NULL DEFAULT '',
    link             TEXT NOT NULL DEFAULT '',
    acknowledged_at  TEXT,
    acknowledged_by  INTEGER REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX notifications_task ON notifications(task_id);
CREATE INDEX notifications_unit ON notifications(unit_id, created_at);

CREATE TABLE deliveries (
    id               INTEGER PRIMARY KEY,
    notification_id  INTEGER NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
    channel          TEXT NOT NULL CHECK (channel IN ('in_app','email','dingtalk','wecom','feishu')),
    -- the inbox owner (in_app) or the mailbox's account (email)
    user_id          INTEGER REFERENCES users(id) ON DELETE CASCADE,
    -- the robot, read afresh (URL, secret, enabled) at each attempt
    webhook_id       INTEGER REFERENCES unit_webhooks(id) ON DELETE SET NULL,
    -- the e-mail address, or the robot's URL without its query (no token)
    target           TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL CHECK (status IN ('pending','sent','failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    last_error       TEXT NOT NULL DEFAULT '',
    sent_at          TEXT,
    -- a worker's lease: another worker leaves the row alone until it ends
    claimed_by       TEXT,
    claimed_until    TEXT
);
CREATE INDEX deliveries_due ON deliveries(next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_notification ON deliveries(notification_id);
CREATE UNIQUE INDEX deliveries_inbox ON deliveries(user_id, notification_id) WHERE channel = 'in_app';
