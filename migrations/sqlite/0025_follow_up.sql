-- Uppföljande utvärdering (issue #17, item 3): the follow-up of a satsning that has ended, due
-- follow_up_years (1–3) years after its end date. One per satsning: its texts (effects after
-- the end, lessons) and, per method (aktivitet of the schema), how far it lives on in ordinary
-- operations and which nämnd owns it.

-- Uppföljning efter så många år: set per satsning, 2 unless chosen otherwise.
ALTER TABLE initiative ADD COLUMN follow_up_years INTEGER NOT NULL DEFAULT 2
    CHECK (follow_up_years BETWEEN 1 AND 3);

-- Uppföljande utvärdering: status utkast → inskickad → godkand.
CREATE TABLE follow_up (
    id               INTEGER PRIMARY KEY,
    organisation_id  INTEGER NOT NULL REFERENCES organisation (id),
    initiative_id    INTEGER NOT NULL UNIQUE REFERENCES initiative (id),
    status           TEXT    NOT NULL CHECK (status IN ('utkast', 'inskickad', 'godkand')),
    -- {"effekter": "…", "lardomar": "…"}
    narratives       TEXT    NOT NULL DEFAULT '{}',
    submitted_at     TEXT,
    submitted_by     INTEGER REFERENCES user_account (id),
    approved_at      TEXT,
    approved_by      INTEGER REFERENCES user_account (id),
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
) STRICT;

-- Implementering per metod (aktivitet): status and the owning nämnd (a party of the satsning).
CREATE TABLE follow_up_method (
    follow_up_id  INTEGER NOT NULL REFERENCES follow_up (id),
    activity_id   INTEGER NOT NULL REFERENCES activity (id) ON DELETE CASCADE,
    status        TEXT    NOT NULL CHECK (status IN ('ej_implementerad', 'delvis',
                    'ordinarie_verksamhet', 'utvidgad')),
    party_id      INTEGER REFERENCES party (id) ON DELETE SET NULL,
    comment       TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (follow_up_id, activity_id)
) STRICT;

-- The portfolio filters on the follow-up's status: its cache must see every change.
CREATE TRIGGER follow_up_insert_data_version AFTER INSERT ON follow_up BEGIN
    UPDATE organisation SET data_version = data_version + 1
    WHERE id = NEW.organisation_id;
END;

CREATE TRIGGER follow_up_update_data_version AFTER UPDATE ON follow_up BEGIN
    UPDATE organisation SET data_version = data_version + 1
    WHERE id = NEW.organisation_id;
END;
