-- Jämförelsevärden för indikatorer in Kolada's shape: kpi, municipality ("0000" riket,
-- "00xx" län, otherwise kommun), year, gender T/K/M. Imported per organisation from files.
CREATE TABLE indicator_value (
    organisation_id  INTEGER NOT NULL REFERENCES organisation (id),
    kpi              TEXT    NOT NULL,
    municipality     TEXT    NOT NULL,
    year             INTEGER NOT NULL,
    gender           TEXT    NOT NULL CHECK (gender IN ('T', 'K', 'M')),
    value            REAL,
    imported_at      TEXT    NOT NULL,
    PRIMARY KEY (organisation_id, kpi, municipality, year, gender)
) STRICT;
