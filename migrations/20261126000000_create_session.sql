-- Sign-in sessions: one per login, ended by logging out or by a refresh token presented a
-- second time; removed with their user. Every access token names its session, and every
-- request with one checks that the session is still live.
CREATE TABLE session (
    session_id  uuid        NOT NULL,
    app_user_id uuid        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    -- After this no refresh is accepted: the person logs in again.
    expires_at  timestamptz NOT NULL,
    ended_at    timestamptz,
    end_reason  text,
    CONSTRAINT session_pkey PRIMARY KEY (session_id),
    CONSTRAINT session_app_user_fkey FOREIGN KEY (app_user_id)
        REFERENCES app_user (app_user_id) ON DELETE CASCADE,
    CONSTRAINT session_end_reason_check
        CHECK ((ended_at IS NULL) = (end_reason IS NULL))
);

CREATE INDEX session_app_user_id_idx ON session (app_user_id);

-- Refresh tokens, kept only as SHA-256 hashes. Each is used once and replaced by the next;
-- a used one presented again ends its session (it was copied).
CREATE TABLE refresh_token (
    token_hash bytea       NOT NULL,
    session_id uuid        NOT NULL,
    issued_at  timestamptz NOT NULL DEFAULT now(),
    used_at    timestamptz,
    CONSTRAINT refresh_token_pkey PRIMARY KEY (token_hash),
    CONSTRAINT refresh_token_session_fkey FOREIGN KEY (session_id)
        REFERENCES session (session_id) ON DELETE CASCADE
);

CREATE INDEX refresh_token_session_id_idx ON refresh_token (session_id);
