-- The lamps of each key work per reporting period, as last seen in that
-- period: the overview's chart of the last 12 periods.
CREATE TABLE lamp_history (
    key_work_id   INTEGER NOT NULL REFERENCES key_works(id) ON DELETE CASCADE,
    period_start  TEXT NOT NULL,
    green         INTEGER NOT NULL,
    yellow        INTEGER NOT NULL,
    red           INTEGER NOT NULL,
    recorded_at   TEXT NOT NULL,
    PRIMARY KEY (key_work_id, period_start)
);
