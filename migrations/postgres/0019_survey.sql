-- Enkäter: a satsning's participant surveys, their questions, waves (utskick), the links and
-- single-use codes that open them, and the anonymous answers.
--
-- Anonymity is a property of these tables: a response row holds its wave, the date (never the
-- time) and where it came from; no token, code, IP address or user agent is stored anywhere
-- beside it. Links and codes are kept only as SHA-256 hashes. The submission keys that make a
-- retried post a no-op sit in a table of their own with no reference to the response.

CREATE TABLE survey (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id  BIGINT NOT NULL REFERENCES organisation (id),
    initiative_id    BIGINT NOT NULL REFERENCES initiative (id),
    title            TEXT    NOT NULL,
    intro            TEXT    NOT NULL DEFAULT '',
    created_at       TIMESTAMPTZ    NOT NULL
);
CREATE INDEX survey_initiative ON survey (initiative_id, id);

-- kind: likert (1–5 with end labels), enval, flerval, tal (with range), janej, fritext.
-- options: the choices of enval/flerval, one per line; an answer stores the choice's number
-- (1, 2, …), which stays fixed because questions cannot change once a wave has answers.
-- measure_id/aggregation/threshold: the effektmått the question feeds and how
-- (medel, andel_minst = share of answers ≥ threshold, andel_ja, antal).
CREATE TABLE survey_question (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    survey_id    BIGINT NOT NULL REFERENCES survey (id),
    position     BIGINT NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('likert', 'enval', 'flerval', 'tal', 'janej', 'fritext')),
    text         TEXT    NOT NULL,
    help         TEXT    NOT NULL DEFAULT '',
    required     BOOLEAN NOT NULL DEFAULT FALSE,
    low_label    TEXT    NOT NULL DEFAULT '',
    high_label   TEXT    NOT NULL DEFAULT '',
    min_value    DOUBLE PRECISION,
    max_value    DOUBLE PRECISION,
    options      TEXT    NOT NULL DEFAULT '',
    measure_id   BIGINT REFERENCES measure (id),
    aggregation  TEXT CHECK (aggregation IN ('medel', 'andel_minst', 'andel_ja', 'antal')),
    threshold    DOUBLE PRECISION
);
CREATE INDEX survey_question_survey ON survey_question (survey_id, position);

-- Utskick: "Före", "Efter", … open from opens_on through closes_on (dates, inclusive).
CREATE TABLE survey_wave (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    survey_id   BIGINT NOT NULL REFERENCES survey (id),
    name        TEXT    NOT NULL,
    opens_on    DATE    NOT NULL,
    closes_on   DATE    NOT NULL,
    created_at  TIMESTAMPTZ    NOT NULL,
    CHECK (closes_on >= opens_on)
);
CREATE INDEX survey_wave_survey ON survey_wave (survey_id, opens_on);

-- A wave's open link (single_use 0) or one personal code (single_use 1), as the SHA-256 of
-- the token. "Once" is this row's used flag, set in the transaction that stores the answers.
CREATE TABLE survey_link (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    wave_id     BIGINT NOT NULL REFERENCES survey_wave (id),
    token_hash  TEXT    NOT NULL UNIQUE,
    single_use  BOOLEAN NOT NULL,
    used        BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX survey_link_wave ON survey_link (wave_id);

-- Submission ids already stored (SHA-256 of the id the form carried). The table has no
-- serial column, so nothing but chance orders its rows.
CREATE TABLE survey_submission (
    key_hash  TEXT    NOT NULL PRIMARY KEY,
    wave_id   BIGINT NOT NULL REFERENCES survey_wave (id)
);

-- One participant's answers to one wave: the date only, and webb or papper.
CREATE TABLE survey_response (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    wave_id      BIGINT NOT NULL REFERENCES survey_wave (id),
    answered_on  DATE    NOT NULL,
    source       TEXT    NOT NULL CHECK (source IN ('webb', 'papper'))
);
CREATE INDEX survey_response_wave ON survey_response (wave_id, id);

-- An answer: a number (Likert step, choice number, 1/0 for ja/nej, the number typed) or a
-- text. A flerval answer is one row per ticked choice.
CREATE TABLE survey_answer (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    response_id  BIGINT NOT NULL REFERENCES survey_response (id),
    question_id  BIGINT NOT NULL REFERENCES survey_question (id),
    number       DOUBLE PRECISION,
    text         TEXT
);
CREATE INDEX survey_answer_response ON survey_answer (response_id);
CREATE INDEX survey_answer_question ON survey_answer (question_id);

-- What "Överför till effektmått" did per question: the value written (NULL when the cell was
-- suppressed, with the reason), the answers it rests on and the month it went to.
CREATE TABLE survey_transfer (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    wave_id      BIGINT NOT NULL REFERENCES survey_wave (id),
    question_id  BIGINT NOT NULL REFERENCES survey_question (id),
    measure_id   BIGINT NOT NULL REFERENCES measure (id),
    period       BIGINT NOT NULL,
    value        DOUBLE PRECISION,
    n            BIGINT NOT NULL,
    note         TEXT    NOT NULL DEFAULT '',
    at           TIMESTAMPTZ    NOT NULL
);
CREATE INDEX survey_transfer_wave ON survey_transfer (wave_id, id);
