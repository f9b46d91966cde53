-- The lamps of each key work per reporting period, as last seen in that
-- period: the overview's chart of the last 12 periods.
CREATE TABLE lamp_history (
    key_work_id   BIGINT NOT NULL REFERENCES key_works(id) ON DELETE CASCADE,
    period_start  DATE NOT NULL,
    green         BIGINT NOT NULL,
    yellow        BIGINT NOT NULL,
    red           BIGINT NOT NULL,
    recorded_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (key_work_id, period_start)
);
