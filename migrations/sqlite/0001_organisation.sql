-- Organisation (kommun/region): the owner of data in a shared installation.
-- Every satsning, nämnd and user belongs to one organisation, and every query is scoped by it.
CREATE TABLE organisation (
    id          INTEGER PRIMARY KEY,
    code        TEXT    NOT NULL UNIQUE,  -- kommunkod or regionkod, e.g. '1880' (Örebro)
    name        TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('kommun', 'region')),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
) STRICT;
