-- Parter (nämnder/förvaltningar, idéburna aktörer, kommunala bolag) and satsningar.

-- Part: a nämnd/förvaltning (with its verksamhetsområde), a civil-society actor (förening,
-- stiftelse, kooperativ, välgörenhetsorganisation; for-profit companies are not allowed) or
-- a municipal company. Owned by an organisation.
CREATE TABLE party (
    id               BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id  BIGINT      NOT NULL REFERENCES organisation (id),
    name             TEXT        NOT NULL,
    kind             TEXT        NOT NULL CHECK (kind IN ('namnd', 'ideburen', 'bolag')),
    area             TEXT,
    civil_type       TEXT        CHECK (civil_type IN ('forening', 'stiftelse', 'kooperativ', 'valgorenhet')),
    active           BOOLEAN     NOT NULL DEFAULT TRUE,
    created_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (organisation_id, name)
);

-- Satsning: a social-investment initiative.
CREATE TABLE initiative (
    id               BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id  BIGINT      NOT NULL REFERENCES organisation (id),
    name             TEXT        NOT NULL,
    summary          TEXT        NOT NULL DEFAULT '',
    target_group     TEXT        NOT NULL DEFAULT '',
    owner_names      TEXT        NOT NULL DEFAULT '',
    start_date       DATE        NOT NULL,
    end_date         DATE        NOT NULL,
    budget_sek       BIGINT      NOT NULL DEFAULT 0 CHECK (budget_sek >= 0),
    repayment        BOOLEAN     NOT NULL DEFAULT FALSE,
    status           TEXT        NOT NULL CHECK (status IN
                       ('ide', 'ansokan', 'beredning', 'beslutad', 'pagaende', 'avslutad', 'uppfoljd')),
    is_example       BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    CHECK (end_date > start_date)
);
CREATE INDEX initiative_organisation ON initiative (organisation_id, status);

CREATE TABLE initiative_party (
    initiative_id  BIGINT NOT NULL REFERENCES initiative (id),
    party_id       BIGINT NOT NULL REFERENCES party (id),
    PRIMARY KEY (initiative_id, party_id)
);

-- Projektledare assigned to a satsning (they may report for and edit only these).
CREATE TABLE initiative_lead (
    initiative_id  BIGINT NOT NULL REFERENCES initiative (id),
    user_id        BIGINT NOT NULL REFERENCES user_account (id),
    PRIMARY KEY (initiative_id, user_id)
);
CREATE INDEX initiative_lead_user ON initiative_lead (user_id);

-- Statusbyten: the satsning's timeline.
CREATE TABLE initiative_status_change (
    id             BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    initiative_id  BIGINT      NOT NULL REFERENCES initiative (id),
    from_status    TEXT,
    to_status      TEXT        NOT NULL,
    changed_by     BIGINT      REFERENCES user_account (id),
    changed_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX initiative_status_change_initiative ON initiative_status_change (initiative_id, changed_at);
