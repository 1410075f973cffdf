-- An uploaded import of values, kept between the preview and the commit (so the commit works
-- on any app instance). Only its owner sees it; committed_at makes the commit happen once.
CREATE TABLE value_import (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    initiative_id  BIGINT      NOT NULL REFERENCES initiative (id),
    user_id        BIGINT      NOT NULL REFERENCES user_account (id),
    file_name      TEXT        NOT NULL,
    rows           TEXT        NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    committed_at   TIMESTAMPTZ
);
