-- Månadsrapportering. A period is a month, stored as YYYYMM (202611 = november 2026).

-- Värde: one reported value per measure and period. A cleared value keeps its row (value NULL),
-- so its history in the audit trail stays attached.
CREATE TABLE measure_value (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    measure_id   BIGINT           NOT NULL REFERENCES measure (id),
    period       BIGINT           NOT NULL CHECK (period BETWEEN 190001 AND 299912),
    value        DOUBLE PRECISION,
    comment      TEXT             NOT NULL DEFAULT '',
    reported_by  BIGINT REFERENCES user_account (id),
    reported_at  TIMESTAMPTZ      NOT NULL,
    UNIQUE (measure_id, period)
);
CREATE INDEX measure_value_period ON measure_value (period, measure_id);

-- A satsning's month: whether anything is saved (kept with every save, so the calendar and the
-- overview read one small row per month instead of the values) and when it was marked
-- complete ("inrapporterad").
CREATE TABLE report_period (
    initiative_id  BIGINT NOT NULL REFERENCES initiative (id),
    period         BIGINT NOT NULL,
    has_values     BOOLEAN NOT NULL DEFAULT FALSE,
    submitted_at   TIMESTAMPTZ,
    submitted_by   BIGINT REFERENCES user_account (id),
    PRIMARY KEY (initiative_id, period)
);
