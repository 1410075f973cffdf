-- The automatic transfer when a survey wave closes: one row per closed wave it has dealt
-- with. The primary key is the claim: the row is inserted in the same transaction as the
-- wave's transfer, so of two instances looking at once only one transfers it, and a wave is
-- transferred automatically at most once.
--
-- outcome: overford (transferred by the job), for_hand (someone had already transferred it by
-- hand after it closed, so the job left it), demo (the demo's own waves: its values stay the
-- ones its course drew).
CREATE TABLE survey_wave_closed (
    wave_id  INTEGER PRIMARY KEY REFERENCES survey_wave (id),
    outcome  TEXT    NOT NULL CHECK (outcome IN ('overford', 'for_hand', 'demo')),
    at       TEXT    NOT NULL
) STRICT;
