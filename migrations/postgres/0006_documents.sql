-- Dokument per satsning (ansökan, kort beskrivning, slutrapport, uppföljande utvärdering,
-- övrigt). Stored in the database so every app instance serves them; the type is sniffed
-- from the content at upload, never taken from the file name.
CREATE TABLE document (
    id             BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    initiative_id  BIGINT      NOT NULL REFERENCES initiative (id),
    kind           TEXT        NOT NULL CHECK (kind IN ('ansokan', 'kort_beskrivning', 'slutrapport', 'uppfoljande', 'ovrigt')),
    file_name      TEXT        NOT NULL,
    content_type   TEXT        NOT NULL,
    size_bytes     BIGINT      NOT NULL,
    content        BYTEA       NOT NULL,
    uploaded_by    BIGINT      REFERENCES user_account (id),
    uploaded_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX document_initiative ON document (initiative_id, uploaded_at);
