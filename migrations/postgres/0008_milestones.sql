-- Delmål: intermediate targets of a measure between its baseline and its target.
CREATE TABLE measure_milestone (
    measure_id   BIGINT           NOT NULL REFERENCES measure (id),
    target_date  DATE             NOT NULL,
    value        DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (measure_id, target_date)
);
