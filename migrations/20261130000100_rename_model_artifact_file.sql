-- One word for one thing: the column holds the artifact's file name in the model folder,
-- which the model service calls `artifact_file`.
ALTER TABLE model RENAME COLUMN artifact_path TO artifact_file;
