-- Utvärderingsschema: mål → aktiviteter → aktivitetsmått och effektmått; indikatorer per mål;
-- ekonomiska effekter per satsning. Measures are never deleted once a satsning is decided:
-- they are retired (retired_at), so reported values keep their meaning.

CREATE TABLE goal (
    id             INTEGER PRIMARY KEY,
    initiative_id  INTEGER NOT NULL REFERENCES initiative (id),
    position       INTEGER NOT NULL,
    text           TEXT    NOT NULL,
    target_group   TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX goal_initiative ON goal (initiative_id, position);

CREATE TABLE activity (
    id        INTEGER PRIMARY KEY,
    goal_id   INTEGER NOT NULL REFERENCES goal (id),
    position  INTEGER NOT NULL,
    text      TEXT    NOT NULL
) STRICT;
CREATE INDEX activity_goal ON activity (goal_id, position);

-- Mått: aktivitetsmått and effektmått belong to one activity; indikatorer to one goal.
CREATE TABLE measure (
    id                INTEGER PRIMARY KEY,
    initiative_id     INTEGER NOT NULL REFERENCES initiative (id),
    kind              TEXT    NOT NULL CHECK (kind IN ('aktivitet', 'effekt', 'indikator')),
    activity_id       INTEGER REFERENCES activity (id),
    goal_id           INTEGER REFERENCES goal (id),
    position          INTEGER NOT NULL,
    code              TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    definition        TEXT    NOT NULL DEFAULT '',
    unit              TEXT    NOT NULL DEFAULT '',
    value_type        TEXT    NOT NULL CHECK (value_type IN ('antal', 'andel', 'belopp', 'skala', 'janej')),
    frequency         TEXT    NOT NULL CHECK (frequency IN ('manad', 'kvartal', 'halvar', 'ar')),
    direction         TEXT    NOT NULL CHECK (direction IN ('hogre', 'lagre', 'intervall')),
    baseline_value    REAL,
    baseline_date     TEXT,
    target_value      REAL,
    target_date       TEXT,
    tolerance_yellow  REAL,
    tolerance_red     REAL,
    source            TEXT    NOT NULL CHECK (source IN ('manuell', 'enkat', 'import')),
    comparison        TEXT    NOT NULL DEFAULT '',
    retired_at        TEXT,
    UNIQUE (initiative_id, code),
    CHECK ((kind = 'indikator' AND goal_id IS NOT NULL AND activity_id IS NULL)
        OR (kind <> 'indikator' AND activity_id IS NOT NULL AND goal_id IS NULL))
) STRICT;
CREATE INDEX measure_activity ON measure (activity_id, position);
CREATE INDEX measure_goal ON measure (goal_id, position);

CREATE TABLE economic_effect (
    id                 INTEGER PRIMARY KEY,
    initiative_id      INTEGER NOT NULL REFERENCES initiative (id),
    position           INTEGER NOT NULL,
    text               TEXT    NOT NULL,
    horizon            TEXT    NOT NULL CHECK (horizon IN ('kort', 'lang')),
    party_id           INTEGER REFERENCES party (id),
    effect_measure_id  INTEGER REFERENCES measure (id),
    yearly_sek         INTEGER NOT NULL DEFAULT 0 CHECK (yearly_sek >= 0)
) STRICT;
CREATE INDEX economic_effect_initiative ON economic_effect (initiative_id, position);
