-- The prediction history: every prediction a signed-in user makes, written in batches off
-- the request path. Only its user reads it; it goes with the account. Rows older than
-- PREDICTION_RETENTION_DAYS are deleted in small batches.
CREATE TABLE prediction (
    prediction_id bigint           GENERATED ALWAYS AS IDENTITY,
    app_user_id   uuid             NOT NULL,
    made_at       timestamptz      NOT NULL,
    pclass        smallint         NOT NULL,
    sex           text             NOT NULL,
    age           double precision,
    sibsp         smallint         NOT NULL,
    parch         smallint         NOT NULL,
    fare          double precision,
    embarked      text,
    -- No foreign key: the entry keeps the model's name and algorithm after the model is
    -- deleted.
    model_id      uuid             NOT NULL,
    model_name    text             NOT NULL,
    algorithm     model_algorithm  NOT NULL,
    prob          double precision NOT NULL,
    CONSTRAINT prediction_pkey PRIMARY KEY (prediction_id),
    CONSTRAINT prediction_app_user_fkey FOREIGN KEY (app_user_id)
        REFERENCES app_user (app_user_id) ON DELETE CASCADE,
    CONSTRAINT prediction_pclass_check CHECK (pclass BETWEEN 1 AND 3),
    CONSTRAINT prediction_sex_check CHECK (sex IN ('male', 'female')),
    CONSTRAINT prediction_embarked_check CHECK (embarked IN ('S', 'C', 'Q')),
    CONSTRAINT prediction_prob_check CHECK (prob BETWEEN 0 AND 1)
);

-- "This user's newest first", a page at a time by key (made_at, prediction_id).
CREATE INDEX prediction_user_newest_idx
    ON prediction (app_user_id, made_at DESC, prediction_id DESC);
-- The same, filtered by model.
CREATE INDEX prediction_user_model_newest_idx
    ON prediction (app_user_id, model_id, made_at DESC, prediction_id DESC);
-- Retention: the rows older than a date. Rows arrive in time order, so a BRIN index (a few
-- pages, almost free to keep up on insert) finds them as well as a B-tree would.
CREATE INDEX prediction_made_at_idx ON prediction USING brin (made_at);

-- Predictions per day (UTC), signed-in and anonymous: all an admin sees of them.
CREATE TABLE prediction_daily (
    day       date   NOT NULL,
    signed_in bigint NOT NULL DEFAULT 0,
    anonymous bigint NOT NULL DEFAULT 0,
    CONSTRAINT prediction_daily_pkey PRIMARY KEY (day),
    CONSTRAINT prediction_daily_counts_check CHECK (signed_in >= 0 AND anonymous >= 0)
);
