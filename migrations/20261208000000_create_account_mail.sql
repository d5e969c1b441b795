-- Verified e-mail addresses, one-time links (password reset, e-mail verification), the
-- forgot-password queue, the mail outbox and the counts behind their rate limits.

-- When the address was shown to be the person's (a verification link or a reset link was
-- used). Accounts made before verification existed count as verified.
ALTER TABLE app_user ADD COLUMN email_verified_at timestamptz;
UPDATE app_user SET email_verified_at = created_at;

CREATE TYPE account_link_purpose AS ENUM ('reset', 'verify');

-- One-time links, kept only as the SHA-256 of their token. A link ends when it is used, when
-- a newer one of the same purpose is issued, or (reset links) when the password changes.
CREATE TABLE account_link (
    token_hash  bytea                NOT NULL,
    app_user_id uuid                 NOT NULL,
    purpose     account_link_purpose NOT NULL,
    created_at  timestamptz          NOT NULL DEFAULT now(),
    expires_at  timestamptz          NOT NULL,
    ended_at    timestamptz,
    CONSTRAINT account_link_pkey PRIMARY KEY (token_hash),
    CONSTRAINT account_link_app_user_fkey FOREIGN KEY (app_user_id)
        REFERENCES app_user (app_user_id) ON DELETE CASCADE
);

CREATE INDEX account_link_live_idx ON account_link (app_user_id, purpose) WHERE ended_at IS NULL;

-- "Forgot password" requests as typed, whether or not the address has an account: the
-- request does the same work for both, and the mail worker decides.
CREATE TABLE password_reset_request (
    password_reset_request_id bigint      GENERATED ALWAYS AS IDENTITY,
    email                     text        NOT NULL,
    requested_at              timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT password_reset_request_pkey PRIMARY KEY (password_reset_request_id)
);

-- Mail to send, written in the transaction that makes its link. The bodies are kept only
-- until the mail is sent or given up; a mail whose link has expired is given up.
CREATE TABLE mail_outbox (
    mail_id         bigint      GENERATED ALWAYS AS IDENTITY,
    recipient       text        NOT NULL,
    subject         text        NOT NULL,
    text_body       text,
    html_body       text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    give_up_at      timestamptz NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    failed_at       timestamptz,
    last_error      text,
    CONSTRAINT mail_outbox_pkey PRIMARY KEY (mail_id),
    CONSTRAINT mail_outbox_done_check CHECK (sent_at IS NULL OR failed_at IS NULL),
    CONSTRAINT mail_outbox_body_check
        CHECK ((text_body IS NULL) = (sent_at IS NOT NULL OR failed_at IS NOT NULL)),
    CONSTRAINT mail_outbox_html_check CHECK (html_body IS NULL OR text_body IS NOT NULL)
);

CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at)
    WHERE sent_at IS NULL AND failed_at IS NULL;

-- Fixed-window request counts that every replica shares, per action and per key (the
-- SHA-256 of a normalised address typed, or of a client address).
CREATE TABLE request_count (
    action       text        NOT NULL,
    key_hash     bytea       NOT NULL,
    requests     integer     NOT NULL,
    window_start timestamptz NOT NULL,
    CONSTRAINT request_count_pkey PRIMARY KEY (action, key_hash)
);
