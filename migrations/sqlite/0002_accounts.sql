-- Accounts, roles, sessions and the audit trail.

-- Användare: a person who logs in. E-mail is unique case-insensitively (email_key is the
-- lower-cased address). Never deleted: deactivated, so the audit trail keeps its actors.
CREATE TABLE user_account (
    id               INTEGER PRIMARY KEY,
    organisation_id  INTEGER NOT NULL REFERENCES organisation (id),
    name             TEXT    NOT NULL,
    email            TEXT    NOT NULL,
    email_key        TEXT    NOT NULL UNIQUE,
    password_hash    TEXT    NOT NULL,
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    failed_logins    INTEGER NOT NULL DEFAULT 0,
    locked_until     TEXT,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
) STRICT;
CREATE INDEX user_account_organisation ON user_account (organisation_id);

-- Roller: a user may have several.
CREATE TABLE user_role (
    user_id  INTEGER NOT NULL REFERENCES user_account (id),
    role     TEXT    NOT NULL CHECK (role IN ('admin', 'utvarderare', 'beredning', 'projektledare', 'lasare')),
    PRIMARY KEY (user_id, role)
) STRICT;

-- Inloggningar: the cookie carries a random token; only its SHA-256 is stored, so a copy of
-- the database gives nobody a session.
CREATE TABLE session (
    token_hash   TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES user_account (id),
    created_at   TEXT    NOT NULL,
    last_seen_at TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL
) STRICT;
CREATE INDEX session_by_user ON session (user_id);

-- Historik: append-only. Written in the same transaction as the change it records; the app
-- has no UPDATE or DELETE for it.
CREATE TABLE audit_event (
    id               INTEGER PRIMARY KEY,
    organisation_id  INTEGER REFERENCES organisation (id),
    actor_user_id    INTEGER REFERENCES user_account (id),
    action           TEXT    NOT NULL,
    object_type      TEXT    NOT NULL,
    object_id        INTEGER,
    changes          TEXT    NOT NULL DEFAULT '{}',
    ip               TEXT,
    at               TEXT    NOT NULL
) STRICT;
CREATE INDEX audit_event_object ON audit_event (object_type, object_id, at);
CREATE INDEX audit_event_organisation ON audit_event (organisation_id, at);

CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;
