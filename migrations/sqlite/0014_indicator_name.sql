-- Names for Kolada codes, per organisation like the values: a KPI's title ("N15428" → what it
-- measures) and a municipality's ("1880" → "Örebro", "0018" → "Örebro län", "0000" →
-- "Riket"), so that a comparison chart is titled by its KPI and its lines named by level.
CREATE TABLE indicator_name (
    organisation_id  INTEGER NOT NULL REFERENCES organisation (id),
    kind             TEXT    NOT NULL CHECK (kind IN ('kpi', 'municipality')),
    code             TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    PRIMARY KEY (organisation_id, kind, code)
) STRICT;
