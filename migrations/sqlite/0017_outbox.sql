-- Utskick: every e-mail Utfall sends is first a row here, inserted in the same transaction as
-- the event that causes it. The idempotency key makes a second insert of the same mail a
-- no-op; the worker claims due rows, sends them and records the outcome.
-- status: 'pending' (väntar), 'sent' (skickad), 'failed' (misslyckad, after the last attempt).
-- next_attempt_at is Unix seconds, so "due" is a plain integer comparison on both backends.
CREATE TABLE outbox_message (
    id                 INTEGER PRIMARY KEY,
    organisation_id    INTEGER NOT NULL REFERENCES organisation (id),
    idempotency_key    TEXT    NOT NULL UNIQUE,
    kind               TEXT    NOT NULL,
    recipient_user_id  INTEGER REFERENCES user_account (id),
    recipient_name     TEXT    NOT NULL,
    recipient_address  TEXT    NOT NULL,
    subject            TEXT    NOT NULL,
    body_text          TEXT    NOT NULL,
    body_html          TEXT    NOT NULL DEFAULT '',
    status             TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts           INTEGER NOT NULL DEFAULT 0,
    next_attempt_at    INTEGER NOT NULL,
    last_error         TEXT,
    created_at         TEXT    NOT NULL,
    sent_at            TEXT
) STRICT;
CREATE INDEX outbox_message_due ON outbox_message (status, next_attempt_at);
CREATE INDEX outbox_message_organisation ON outbox_message (organisation_id, id);

-- Schemalagda körningar: one row per (job, slot) claimed. The primary key lets exactly one
-- instance claim a tick; the newest slot per job is where catching up starts after downtime.
-- slot is the tick's local wall-clock time, 'YYYY-MM-DDTHH:MM:SS', so it sorts as text and
-- a wall-clock time that occurs twice (the repeated autumn hour) is one slot.
CREATE TABLE scheduler_run (
    job         TEXT NOT NULL,
    slot        TEXT NOT NULL,
    claimed_at  TEXT NOT NULL,
    PRIMARY KEY (job, slot)
) STRICT;

-- Påminnelseinställningar: a row turns one optional reminder type off for one user.
CREATE TABLE reminder_opt_out (
    user_id     INTEGER NOT NULL REFERENCES user_account (id),
    kind        TEXT    NOT NULL,
    changed_at  TEXT    NOT NULL,
    PRIMARY KEY (user_id, kind)
) STRICT;
