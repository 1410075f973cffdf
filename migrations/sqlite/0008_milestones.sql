-- Delmål: intermediate targets of a measure between its baseline and its target.
CREATE TABLE measure_milestone (
    measure_id   INTEGER NOT NULL REFERENCES measure (id),
    target_date  TEXT    NOT NULL,
    value        REAL    NOT NULL,
    PRIMARY KEY (measure_id, target_date)
) STRICT;
