-- Jämförelsevärden för indikatorer in Kolada's shape: kpi, municipality ("0000" riket,
-- "00xx" län, otherwise kommun), year, gender T/K/M. Imported per organisation from files.
CREATE TABLE indicator_value (
    organisation_id  BIGINT           NOT NULL REFERENCES organisation (id),
    kpi              TEXT             NOT NULL,
    municipality     TEXT             NOT NULL,
    year             BIGINT           NOT NULL,
    gender           TEXT             NOT NULL CHECK (gender IN ('T', 'K', 'M')),
    value            DOUBLE PRECISION,
    imported_at      TIMESTAMPTZ      NOT NULL,
    PRIMARY KEY (organisation_id, kpi, municipality, year, gender)
);
