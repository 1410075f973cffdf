-- Halvårsredovisning (issue #17): one report per satsning and half-year, its submitted
-- versions (locked snapshots with the beredningsgrupp's review), and the actual costs the
-- report records — kept by the economics (below the deviations, whose budget rule reads them).

-- Faktisk kostnad: what a satsning actually spent in a year on one cost type (whole kronor).
CREATE TABLE actual_cost (
    organisation_id  BIGINT  NOT NULL REFERENCES organisation (id),
    initiative_id    BIGINT  NOT NULL REFERENCES initiative (id),
    year             BIGINT  NOT NULL,
    cost_type        TEXT    NOT NULL CHECK (cost_type IN ('personal', 'lokaler', 'material',
                       'tjanster', 'ovrigt')),
    amount_sek       BIGINT  NOT NULL CHECK (amount_sek >= 0),
    updated_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (initiative_id, year, cost_type)
);

-- Halvårsredovisning: the working copy (status and the narrative fields as JSON).
-- status: utkast → inskickad → godkand, or komplettering (reopened for the projektledare).
CREATE TABLE half_year_report (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id  BIGINT  NOT NULL REFERENCES organisation (id),
    initiative_id    BIGINT  NOT NULL REFERENCES initiative (id),
    year             BIGINT  NOT NULL,
    half             BIGINT  NOT NULL CHECK (half IN (1, 2)),
    status           TEXT    NOT NULL CHECK (status IN ('utkast', 'inskickad', 'komplettering',
                       'godkand')),
    -- {"genomforande": {"text": "…", "done": true}, …}
    narratives       TEXT    NOT NULL DEFAULT '{}',
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (initiative_id, year, half)
);
CREATE INDEX half_year_report_period ON half_year_report (organisation_id, year, half);

-- Inskickad version: the report as submitted, frozen as JSON (sections with their numbers and
-- chart data, narratives, a digest per section), and the review of that version.
CREATE TABLE half_year_version (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id     BIGINT  NOT NULL REFERENCES half_year_report (id),
    version       BIGINT  NOT NULL,
    snapshot      TEXT    NOT NULL,
    submitted_at  TIMESTAMPTZ NOT NULL,
    submitted_by  BIGINT  NOT NULL REFERENCES user_account (id),
    decision      TEXT CHECK (decision IN ('godkand', 'komplettering')),
    -- {"matt": "kommentar", …}: the beredningsgrupp's comment per section.
    comments      TEXT    NOT NULL DEFAULT '{}',
    reviewed_at   TIMESTAMPTZ,
    reviewed_by   BIGINT  REFERENCES user_account (id),
    UNIQUE (report_id, version)
);
