-- Exports: one row per (blueprint, version, format, variant — the PDF page size). The file
-- lives in R2 under a write-once key; exporting the same again reuses the row and the object.

CREATE TABLE exports (
  id            TEXT PRIMARY KEY,
  blueprint_id  TEXT NOT NULL REFERENCES blueprint_generator(id) ON DELETE CASCADE,
  user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  version       INTEGER NOT NULL CHECK (version >= 1),
  format        TEXT NOT NULL CHECK (format IN ('markdown', 'json', 'pdf', 'scorm')),
  variant       TEXT NOT NULL DEFAULT '' CHECK (variant IN ('', 'a4', 'letter')),
  r2_key        TEXT NOT NULL,
  filename      TEXT NOT NULL,
  content_type  TEXT NOT NULL,
  bytes         INTEGER NOT NULL CHECK (bytes >= 0),
  sha256        TEXT NOT NULL,
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (blueprint_id, version, format, variant)
);
CREATE INDEX idx_exports_user ON exports(user_id);
