-- Accounts, roles, sessions and the audit trail.

-- Användare: a person who logs in. E-mail is unique case-insensitively (email_key is the
-- lower-cased address). Never deleted: deactivated, so the audit trail keeps its actors.
CREATE TABLE user_account (
    id               BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id  BIGINT      NOT NULL REFERENCES organisation (id),
    name             TEXT        NOT NULL,
    email            TEXT        NOT NULL,
    email_key        TEXT        NOT NULL UNIQUE,
    password_hash    TEXT        NOT NULL,
    active           BOOLEAN     NOT NULL DEFAULT TRUE,
    failed_logins    INTEGER     NOT NULL DEFAULT 0,
    locked_until     TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX user_account_organisation ON user_account (organisation_id);

-- Roller: a user may have several.
CREATE TABLE user_role (
    user_id  BIGINT NOT NULL REFERENCES user_account (id),
    role     TEXT   NOT NULL CHECK (role IN ('admin', 'utvarderare', 'beredning', 'projektledare', 'lasare')),
    PRIMARY KEY (user_id, role)
);

-- Inloggningar: the cookie carries a random token; only its SHA-256 is stored, so a copy of
-- the database gives nobody a session.
CREATE TABLE session (
    token_hash   TEXT        PRIMARY KEY,
    user_id      BIGINT      NOT NULL REFERENCES user_account (id),
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX session_by_user ON session (user_id);

-- Historik: append-only. Written in the same transaction as the change it records; the app
-- has no UPDATE or DELETE for it.
CREATE TABLE audit_event (
    id               BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id  BIGINT      REFERENCES organisation (id),
    actor_user_id    BIGINT      REFERENCES user_account (id),
    action           TEXT        NOT NULL,
    object_type      TEXT        NOT NULL,
    object_id        BIGINT,
    changes          TEXT        NOT NULL DEFAULT '{}',
    ip               TEXT,
    at               TIMESTAMPTZ NOT NULL
);
CREATE INDEX audit_event_object ON audit_event (object_type, object_id, at);
CREATE INDEX audit_event_organisation ON audit_event (organisation_id, at);

CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only';
END;
$$;
CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event
FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
