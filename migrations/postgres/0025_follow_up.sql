-- Uppföljande utvärdering (issue #17, item 3): the follow-up of a satsning that has ended, due
-- follow_up_years (1–3) years after its end date. One per satsning: its texts (effects after
-- the end, lessons) and, per method (aktivitet of the schema), how far it lives on in ordinary
-- operations and which nämnd owns it.

-- Uppföljning efter så många år: set per satsning, 2 unless chosen otherwise.
ALTER TABLE initiative ADD COLUMN follow_up_years BIGINT NOT NULL DEFAULT 2
    CHECK (follow_up_years BETWEEN 1 AND 3);

-- Uppföljande utvärdering: status utkast → inskickad → godkand.
CREATE TABLE follow_up (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id  BIGINT  NOT NULL REFERENCES organisation (id),
    initiative_id    BIGINT  NOT NULL UNIQUE REFERENCES initiative (id),
    status           TEXT    NOT NULL CHECK (status IN ('utkast', 'inskickad', 'godkand')),
    -- {"effekter": "…", "lardomar": "…"}
    narratives       TEXT    NOT NULL DEFAULT '{}',
    submitted_at     TIMESTAMPTZ,
    submitted_by     BIGINT  REFERENCES user_account (id),
    approved_at      TIMESTAMPTZ,
    approved_by      BIGINT  REFERENCES user_account (id),
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);

-- Implementering per metod (aktivitet): status and the owning nämnd (a party of the satsning).
CREATE TABLE follow_up_method (
    follow_up_id  BIGINT  NOT NULL REFERENCES follow_up (id),
    activity_id   BIGINT  NOT NULL REFERENCES activity (id) ON DELETE CASCADE,
    status        TEXT    NOT NULL CHECK (status IN ('ej_implementerad', 'delvis',
                    'ordinarie_verksamhet', 'utvidgad')),
    party_id      BIGINT  REFERENCES party (id) ON DELETE SET NULL,
    comment       TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (follow_up_id, activity_id)
);

-- The portfolio filters on the follow-up's status: its cache must see every change.
CREATE TRIGGER follow_up_data_version AFTER INSERT OR UPDATE OR DELETE ON follow_up
    FOR EACH ROW EXECUTE FUNCTION bump_data_version('own');
