-- Case-insensitive text, for e-mail addresses (accounts come in the next migration).
CREATE EXTENSION IF NOT EXISTS citext;
