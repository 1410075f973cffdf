-- Utvärderingsschema: mål → aktiviteter → aktivitetsmått och effektmått; indikatorer per mål;
-- ekonomiska effekter per satsning. Measures are never deleted once a satsning is decided:
-- they are retired (retired_at), so reported values keep their meaning.

CREATE TABLE goal (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    initiative_id  BIGINT NOT NULL REFERENCES initiative (id),
    position       BIGINT  NOT NULL,
    text           TEXT    NOT NULL,
    target_group   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX goal_initiative ON goal (initiative_id, position);

CREATE TABLE activity (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    goal_id   BIGINT NOT NULL REFERENCES goal (id),
    position  BIGINT  NOT NULL,
    text      TEXT    NOT NULL
);
CREATE INDEX activity_goal ON activity (goal_id, position);

-- Mått: aktivitetsmått and effektmått belong to one activity; indikatorer to one goal.
CREATE TABLE measure (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    initiative_id     BIGINT NOT NULL REFERENCES initiative (id),
    kind              TEXT    NOT NULL CHECK (kind IN ('aktivitet', 'effekt', 'indikator')),
    activity_id       BIGINT REFERENCES activity (id),
    goal_id           BIGINT REFERENCES goal (id),
    position          BIGINT  NOT NULL,
    code              TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    definition        TEXT    NOT NULL DEFAULT '',
    unit              TEXT    NOT NULL DEFAULT '',
    value_type        TEXT    NOT NULL CHECK (value_type IN ('antal', 'andel', 'belopp', 'skala', 'janej')),
    frequency         TEXT    NOT NULL CHECK (frequency IN ('manad', 'kvartal', 'halvar', 'ar')),
    direction         TEXT    NOT NULL CHECK (direction IN ('hogre', 'lagre', 'intervall')),
    baseline_value    DOUBLE PRECISION,
    baseline_date     DATE,
    target_value      DOUBLE PRECISION,
    target_date       DATE,
    tolerance_yellow  DOUBLE PRECISION,
    tolerance_red     DOUBLE PRECISION,
    source            TEXT    NOT NULL CHECK (source IN ('manuell', 'enkat', 'import')),
    comparison        TEXT    NOT NULL DEFAULT '',
    retired_at        TIMESTAMPTZ,
    UNIQUE (initiative_id, code),
    CHECK ((kind = 'indikator' AND goal_id IS NOT NULL AND activity_id IS NULL)
        OR (kind <> 'indikator' AND activity_id IS NOT NULL AND goal_id IS NULL))
);
CREATE INDEX measure_activity ON measure (activity_id, position);
CREATE INDEX measure_goal ON measure (goal_id, position);

CREATE TABLE economic_effect (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    initiative_id      BIGINT NOT NULL REFERENCES initiative (id),
    position           BIGINT  NOT NULL,
    text               TEXT    NOT NULL,
    horizon            TEXT    NOT NULL CHECK (horizon IN ('kort', 'lang')),
    party_id           BIGINT REFERENCES party (id),
    effect_measure_id  BIGINT REFERENCES measure (id),
    yearly_sek         BIGINT NOT NULL DEFAULT 0 CHECK (yearly_sek >= 0)
);
CREATE INDEX economic_effect_initiative ON economic_effect (initiative_id, position);
