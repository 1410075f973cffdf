-- Budget per år for a satsning (the total stays on initiative.budget_sek).
CREATE TABLE initiative_budget_year (
    initiative_id  BIGINT NOT NULL REFERENCES initiative (id),
    year           BIGINT NOT NULL,
    amount_sek     BIGINT NOT NULL CHECK (amount_sek >= 0),
    PRIMARY KEY (initiative_id, year)
);
