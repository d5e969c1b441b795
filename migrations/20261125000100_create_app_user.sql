-- Accounts. The e-mail is case-insensitive and unique; the role is never null.
CREATE TYPE user_role AS ENUM ('admin', 'user');

CREATE TABLE app_user (
    app_user_id   uuid        NOT NULL,
    email         citext      NOT NULL,
    password_hash text        NOT NULL,
    role          user_role   NOT NULL DEFAULT 'user',
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT app_user_pkey PRIMARY KEY (app_user_id),
    CONSTRAINT app_user_email_key UNIQUE (email)
);

CREATE INDEX app_user_created_at_idx ON app_user (created_at DESC);
