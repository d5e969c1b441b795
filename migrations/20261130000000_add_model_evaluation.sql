-- What a model's evaluation at training time measured (cross-validation, held-out curves,
-- permutation importance) as the API shows it; NULL for models trained before it existed.
ALTER TABLE model ADD COLUMN evaluation jsonb NULL;
