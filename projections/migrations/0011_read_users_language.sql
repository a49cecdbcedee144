-- The directory keeps each user's language, for GET /api/v1/me and /users. Rows written
-- before this migration read 'en' (every invite's default) until `stradia rebuild`.
ALTER TABLE read_users ADD COLUMN language_preference text NOT NULL DEFAULT 'en';
