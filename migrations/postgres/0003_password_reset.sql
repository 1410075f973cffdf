-- One-time links for choosing a password (new accounts and resets). Only the SHA-256 of the
-- token is stored; a link works once and until expires_at.
CREATE TABLE password_reset (
    token_hash  TEXT        PRIMARY KEY,
    user_id     BIGINT      NOT NULL REFERENCES user_account (id),
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ
);
CREATE INDEX password_reset_user ON password_reset (user_id);
