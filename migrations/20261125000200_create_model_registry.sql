-- The model registry: what each model is, how good it is, where its artifact lives; the
-- features it was trained on; the training jobs that produce models.
CREATE TYPE model_algorithm AS ENUM ('random_forest', 'svm');
-- `missing_artifact`: the model service no longer has the file (a lost volume, say).
CREATE TYPE model_status AS ENUM ('ready', 'missing_artifact');
CREATE TYPE job_status AS ENUM ('queued', 'running', 'succeeded', 'failed');

CREATE TABLE feature (
    name        text NOT NULL,
    description text NOT NULL,
    CONSTRAINT feature_pkey PRIMARY KEY (name)
);

INSERT INTO feature (name, description) VALUES
    ('pclass',      'Ticket class: 1, 2 or 3'),
    ('sex',         'male or female'),
    ('age',         'Age in years; imputed from the training median when unknown'),
    ('sibsp',       'Siblings and spouses aboard'),
    ('parch',       'Parents and children aboard'),
    ('fare',        'Ticket fare; imputed from the training median when unknown'),
    ('embarked',    'Port of embarkation S, C or Q, one-hot; the most common port when unknown'),
    ('family_size', 'Derived: sibsp + parch + 1'),
    ('is_alone',    'Derived: 1 when travelling without relatives');

CREATE TABLE model (
    model_id         uuid             NOT NULL,
    name             text             NOT NULL,
    algorithm        model_algorithm  NOT NULL,
    status           model_status     NOT NULL DEFAULT 'ready',
    is_active        boolean          NOT NULL DEFAULT false,
    accuracy         double precision NOT NULL,
    precision_score  double precision NOT NULL,
    recall           double precision NOT NULL,
    f1               double precision NOT NULL,
    roc_auc          double precision NOT NULL,
    -- [tn, fp, fn, tp] on the held-out split.
    confusion_matrix integer[]        NOT NULL,
    train_rows       integer          NOT NULL,
    test_rows        integer          NOT NULL,
    params           jsonb            NOT NULL,
    -- File name in the model service's model folder.
    artifact_path    text             NOT NULL,
    artifact_sha256  text             NOT NULL,
    dataset_sha256   text             NOT NULL,
    training_seconds double precision NOT NULL,
    created_by       uuid             NULL,
    created_at       timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT model_pkey PRIMARY KEY (model_id),
    CONSTRAINT model_created_by_fkey FOREIGN KEY (created_by)
        REFERENCES app_user (app_user_id) ON DELETE SET NULL,
    CONSTRAINT model_name_not_blank CHECK (btrim(name) <> ''),
    CONSTRAINT model_accuracy_range CHECK (accuracy BETWEEN 0 AND 1),
    CONSTRAINT model_confusion_matrix_shape CHECK (cardinality(confusion_matrix) = 4),
    CONSTRAINT model_artifact_sha256_hex CHECK (artifact_sha256 ~ '^[0-9a-f]{64}$')
);

-- At most one active model per algorithm.
CREATE UNIQUE INDEX model_one_active_per_algorithm ON model (algorithm) WHERE is_active;
CREATE INDEX model_created_at_idx ON model (created_at DESC);

CREATE TABLE model_feature_link (
    model_id     uuid     NOT NULL,
    feature_name text     NOT NULL,
    position     smallint NOT NULL,
    CONSTRAINT model_feature_link_pkey PRIMARY KEY (model_id, feature_name),
    CONSTRAINT model_feature_link_position_key UNIQUE (model_id, position),
    CONSTRAINT model_feature_link_model_fkey FOREIGN KEY (model_id)
        REFERENCES model (model_id) ON DELETE CASCADE,
    CONSTRAINT model_feature_link_feature_fkey FOREIGN KEY (feature_name)
        REFERENCES feature (name) ON DELETE CASCADE
);

CREATE INDEX model_feature_link_feature_name_idx ON model_feature_link (feature_name);

CREATE TABLE training_job (
    training_job_id uuid             NOT NULL,
    requested_by    uuid             NULL,
    -- The validated request: name, features, algorithm and parameters, activate.
    request         jsonb            NOT NULL,
    name            text             NOT NULL,
    algorithm       model_algorithm  NOT NULL,
    status          job_status       NOT NULL DEFAULT 'queued',
    error           text             NULL,
    -- The model it produced; the model's id is the job's id.
    model_id        uuid             NULL,
    accuracy        double precision NULL,
    created_at      timestamptz      NOT NULL DEFAULT now(),
    started_at      timestamptz      NULL,
    finished_at     timestamptz      NULL,
    CONSTRAINT training_job_pkey PRIMARY KEY (training_job_id),
    CONSTRAINT training_job_requested_by_fkey FOREIGN KEY (requested_by)
        REFERENCES app_user (app_user_id) ON DELETE SET NULL,
    CONSTRAINT training_job_model_id_fkey FOREIGN KEY (model_id)
        REFERENCES model (model_id) ON DELETE SET NULL,
    CONSTRAINT training_job_error_iff_failed CHECK ((status = 'failed') = (error IS NOT NULL)),
    CONSTRAINT training_job_finished_iff_done
        CHECK ((status IN ('succeeded', 'failed')) = (finished_at IS NOT NULL))
);

CREATE INDEX training_job_created_at_idx ON training_job (created_at DESC);
CREATE INDEX training_job_unfinished_idx ON training_job (status)
    WHERE status IN ('queued', 'running');
