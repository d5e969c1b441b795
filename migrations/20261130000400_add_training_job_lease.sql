-- Training jobs are run by whichever backend replica claims them first: the claim takes the
-- first queued job with FOR UPDATE SKIP LOCKED, marks it running under the replica's id and
-- a lease the replica renews while the job runs. A running job whose lease has run out was
-- left by a replica that stopped; another replica fails it (backend/src/training.rs).
-- queue_position orders the queue: jobs queued in one transaction share created_at.
ALTER TABLE training_job
    ADD COLUMN claimed_by     uuid        NULL,
    ADD COLUMN lease_until    timestamptz NULL,
    ADD COLUMN queue_position bigint      GENERATED ALWAYS AS IDENTITY;

-- Jobs left running by a backend of an earlier version: held by nobody, expired at once.
UPDATE training_job
SET claimed_by = gen_random_uuid(), lease_until = now()
WHERE status = 'running';

ALTER TABLE training_job
    ADD CONSTRAINT training_job_running_is_leased
        CHECK (status <> 'running' OR (claimed_by IS NOT NULL AND lease_until IS NOT NULL));

-- The claim's search: the first queued job.
CREATE INDEX training_job_queued_idx ON training_job (queue_position) WHERE status = 'queued';
