-- Ekonomi: the unit-cost register (enhetskostnader), the price index that moves a cost to
-- another price year, and one calculation per satsning (parameters and priced effect rows).
-- Money is whole kronor (BIGINT); shares and rates are per cent (DOUBLE PRECISION, 3.5 = 3,5 %).

-- Enhetskostnad: one post's cost per unit in one price year. One row per post and year, so a
-- post's cost development shows over the years. volume and overhead_percent are internal-only
-- (shown to utvärderare and admin, never to other roles).
CREATE TABLE unit_cost (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id   BIGINT  NOT NULL REFERENCES organisation (id),
    post              TEXT    NOT NULL,
    area              TEXT    NOT NULL CHECK (area IN ('skola', 'funktionsnedsattning', 'ifo',
                        'vard_omsorg', 'arbetsmarknad', 'skadegorelse')),
    unit              TEXT    NOT NULL,
    cost_sek          BIGINT  NOT NULL CHECK (cost_sek >= 0),
    price_year        BIGINT  NOT NULL,
    source            TEXT    NOT NULL DEFAULT '',
    comment           TEXT    NOT NULL DEFAULT '',
    volume            DOUBLE PRECISION,
    overhead_percent  DOUBLE PRECISION,
    is_example        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at        TIMESTAMPTZ   NOT NULL,
    updated_at        TIMESTAMPTZ   NOT NULL,
    UNIQUE (organisation_id, post, price_year)
);

-- Prisindex (e.g. KPI): year → index value, per organisation.
CREATE TABLE price_index (
    organisation_id  BIGINT  NOT NULL REFERENCES organisation (id),
    year             BIGINT  NOT NULL,
    value            DOUBLE PRECISION    NOT NULL CHECK (value > 0),
    is_example       BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (organisation_id, year)
);

-- Kalkylens parametrar for one satsning (absent: the defaults).
CREATE TABLE economic_calculation (
    initiative_id          BIGINT  PRIMARY KEY REFERENCES initiative (id),
    price_year             BIGINT  NOT NULL,
    discount_rate_percent  DOUBLE PRECISION    NOT NULL CHECK (discount_rate_percent >= 0),
    updated_at             TIMESTAMPTZ   NOT NULL
);

-- Effektrad: one priced effect of a satsning's calculation.
CREATE TABLE economic_effect_row (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    initiative_id         BIGINT  NOT NULL REFERENCES initiative (id),
    name                  TEXT    NOT NULL,
    economic_effect_id    BIGINT  REFERENCES economic_effect (id),
    unit_cost_id          BIGINT  NOT NULL REFERENCES unit_cost (id),
    party_id              BIGINT  REFERENCES party (id),
    reduction_per_year    DOUBLE PRECISION    NOT NULL,
    start_year            BIGINT  NOT NULL,
    deadweight_percent    DOUBLE PRECISION    NOT NULL CHECK (deadweight_percent BETWEEN 0 AND 100),
    attribution_percent   DOUBLE PRECISION    NOT NULL CHECK (attribution_percent BETWEEN 0 AND 100),
    displacement_percent  DOUBLE PRECISION    NOT NULL CHECK (displacement_percent BETWEEN 0 AND 100),
    drop_off_percent      DOUBLE PRECISION    NOT NULL CHECK (drop_off_percent BETWEEN 0 AND 100),
    created_at            TIMESTAMPTZ   NOT NULL
);
CREATE INDEX economic_effect_row_initiative ON economic_effect_row (initiative_id, id);
CREATE INDEX economic_effect_row_unit_cost ON economic_effect_row (unit_cost_id);

-- Återföringsplan: what a nämnd is to pay back to the fund for a satsning, per year (only for
-- satsningar under the återföringsmodell, initiative.repayment).
CREATE TABLE repayment_plan (
    initiative_id  BIGINT NOT NULL REFERENCES initiative (id),
    party_id       BIGINT NOT NULL REFERENCES party (id),
    year           BIGINT NOT NULL,
    amount_sek     BIGINT NOT NULL CHECK (amount_sek >= 0),
    PRIMARY KEY (initiative_id, party_id, year)
);

-- Återbetalning: money a nämnd actually paid back for a satsning.
CREATE TABLE repayment (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    initiative_id  BIGINT NOT NULL REFERENCES initiative (id),
    party_id       BIGINT NOT NULL REFERENCES party (id),
    year           BIGINT NOT NULL,
    amount_sek     BIGINT NOT NULL CHECK (amount_sek > 0),
    note           TEXT   NOT NULL DEFAULT '',
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX repayment_initiative ON repayment (initiative_id, year);

-- Import av enhetskostnader: an uploaded file's lines, staged (JSON) until the preview is
-- confirmed; nothing reaches unit_cost unless every line is fine.
CREATE TABLE unit_cost_import (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id  BIGINT NOT NULL REFERENCES organisation (id),
    created_by       BIGINT NOT NULL REFERENCES user_account (id),
    file_name        TEXT   NOT NULL,
    lines            TEXT   NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL
);
