-- Avvikelser: deviation flags raised by the rules (app/src/deviation) and carried to a decision.
-- One flag per rule × measure (0 = the satsning as a whole) × window: the UNIQUE key, not
-- timing, decides that two instances evaluating at once create one flag (INSERT … ON CONFLICT).
CREATE TABLE deviation_flag (
    id                INTEGER PRIMARY KEY,
    organisation_id   INTEGER NOT NULL REFERENCES organisation (id),
    initiative_id     INTEGER NOT NULL REFERENCES initiative (id),
    measure_id        INTEGER REFERENCES measure (id),
    -- measure_id or 0: part of the unique key (NULLs would never conflict).
    measure_key       INTEGER NOT NULL,
    rule              TEXT    NOT NULL,
    -- "2026-10" (a month) or "2026-H2" (a half-year); empty for rules without one.
    window_key        TEXT    NOT NULL,
    severity          TEXT    NOT NULL CHECK (severity IN ('gul', 'rod')),
    status            TEXT    NOT NULL CHECK (status IN ('ny', 'forklarad', 'hanterad', 'stangd')),
    explanation       TEXT    NOT NULL,
    -- JSON: [["varde", 41.0], …] and ["2026-10", …] (the months the chart marks).
    numbers           TEXT    NOT NULL DEFAULT '[]',
    points            TEXT    NOT NULL DEFAULT '[]',
    provisional       INTEGER NOT NULL DEFAULT 0 CHECK (provisional IN (0, 1)),
    -- The projektledare's förklaring and planerad åtgärd.
    reason            TEXT    NOT NULL DEFAULT '',
    planned_action    TEXT    NOT NULL DEFAULT '',
    -- The beredningsgrupp's beslut (godtas, atgard, styrgrupp) and comment.
    decision          TEXT CHECK (decision IN ('godtas', 'atgard', 'styrgrupp')),
    decision_comment  TEXT    NOT NULL DEFAULT '',
    close_note        TEXT    NOT NULL DEFAULT '',
    opened_at         TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    closed_at         TEXT,
    UNIQUE (initiative_id, rule, measure_key, window_key)
) STRICT;
CREATE INDEX deviation_flag_queue ON deviation_flag (organisation_id, status, severity);

-- Everything that happened to a flag, in order: opened, explained, decided, closed, reopened.
CREATE TABLE deviation_event (
    id             INTEGER PRIMARY KEY,
    flag_id        INTEGER NOT NULL REFERENCES deviation_flag (id),
    at             TEXT    NOT NULL,
    -- NULL: Utfall itself (an evaluation).
    actor_user_id  INTEGER REFERENCES user_account (id),
    kind           TEXT    NOT NULL,
    status_before  TEXT,
    status_after   TEXT    NOT NULL,
    text           TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX deviation_event_flag ON deviation_event (flag_id, at);

-- The portfolio shows each satsning's open flags: keep its cached copy in step (see 0013).
CREATE TRIGGER deviation_flag_insert_data_version AFTER INSERT ON deviation_flag BEGIN
    UPDATE organisation SET data_version = data_version + 1 WHERE id = NEW.organisation_id;
END;

CREATE TRIGGER deviation_flag_update_data_version AFTER UPDATE OF status, severity ON deviation_flag BEGIN
    UPDATE organisation SET data_version = data_version + 1 WHERE id = NEW.organisation_id;
END;
