-- Credentials that can be taken back: API tokens get an expiry and their
-- last use (to the minute); revoking deletes the row, and the history
-- keeps that it was made and revoked.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMPTZ;
ALTER TABLE api_tokens ADD COLUMN last_used_at TIMESTAMPTZ;
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- Failed sign-ins per key (tuijin_domain::signin: device, account and
-- address, account alone, address alone), here so that every server on
-- the database sees the same counts.
CREATE TABLE sign_in_failures (
    key           TEXT PRIMARY KEY,
    failures      INTEGER NOT NULL CHECK (failures > 0),
    last_failure  TIMESTAMPTZ NOT NULL
);
CREATE INDEX sign_in_failures_last ON sign_in_failures(last_failure);

-- Secrets the servers of one database share, made on first use (the key
-- that signs device cookies).
CREATE TABLE server_secrets (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
