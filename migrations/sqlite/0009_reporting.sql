-- Månadsrapportering. A period is a month, stored as YYYYMM (202611 = november 2026).

-- Värde: one reported value per measure and period. A cleared value keeps its row (value NULL),
-- so its history in the audit trail stays attached.
CREATE TABLE measure_value (
    id           INTEGER PRIMARY KEY,
    measure_id   INTEGER NOT NULL REFERENCES measure (id),
    period       INTEGER NOT NULL CHECK (period BETWEEN 190001 AND 299912),
    value        REAL,
    comment      TEXT    NOT NULL DEFAULT '',
    reported_by  INTEGER REFERENCES user_account (id),
    reported_at  TEXT    NOT NULL,
    UNIQUE (measure_id, period)
) STRICT;
CREATE INDEX measure_value_period ON measure_value (period, measure_id);

-- A satsning's month: whether anything is saved (kept with every save, so the calendar and the
-- overview read one small row per month instead of the values) and when it was marked
-- complete ("inrapporterad").
CREATE TABLE report_period (
    initiative_id  INTEGER NOT NULL REFERENCES initiative (id),
    period         INTEGER NOT NULL,
    has_values     INTEGER NOT NULL DEFAULT 0 CHECK (has_values IN (0, 1)),
    submitted_at   TEXT,
    submitted_by   INTEGER REFERENCES user_account (id),
    PRIMARY KEY (initiative_id, period)
) STRICT;
