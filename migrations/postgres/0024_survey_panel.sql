-- Panelläge: a survey whose participants each keep one personal code for all its waves, so
-- that one person's answers before and after can be compared.
--
-- A panel response carries a pseudonym: HMAC-SHA256 of the participant's code under a secret
-- that only the server's configuration holds (UTFALL_SURVEY_PANEL_SECRET), never this
-- database. The codes themselves are kept as plain SHA-256 hashes like every other code, so
-- neither the database alone nor the database with the secret links a response to a code's
-- hash; only the printed code (with the secret) gives its pseudonym. "Once per wave" is the
-- unique key (wave, pseudonym), enforced on the server. Responses without a pseudonym (open
-- links, single-use codes, paper) have NULL there, and NULLs never collide.
ALTER TABLE survey ADD COLUMN panel BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE survey_panel_code (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    survey_id   BIGINT  NOT NULL REFERENCES survey (id),
    token_hash  TEXT    NOT NULL UNIQUE
);
CREATE INDEX survey_panel_code_survey ON survey_panel_code (survey_id);

ALTER TABLE survey_response ADD COLUMN pseudonym TEXT;
CREATE UNIQUE INDEX survey_response_once ON survey_response (wave_id, pseudonym);
