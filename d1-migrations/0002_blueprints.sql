-- Seed 000's blueprint_generator adapted to SQLite, and one immutable snapshot per completed
-- generation. `version` counts completed generations: 0 until the first completes, so the first
-- completed blueprint is version 1 (seed 000 starts at 1 and would call it version 2).

CREATE TABLE blueprint_generator (
  id                     TEXT PRIMARY KEY,
  user_id                TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  title                  TEXT NOT NULL DEFAULT 'Untitled blueprint' CHECK (length(title) BETWEEN 1 AND 200),
  version                INTEGER NOT NULL DEFAULT 0 CHECK (version >= 0),
  static_answers         TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(static_answers) AND json_type(static_answers) = 'object'),
  dynamic_questions      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(dynamic_questions) AND json_type(dynamic_questions) = 'array'),
  dynamic_questions_raw  TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(dynamic_questions_raw)),
  dynamic_answers        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(dynamic_answers) AND json_type(dynamic_answers) = 'object'),
  blueprint_json         TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(blueprint_json)),
  blueprint_markdown     TEXT,
  status                 TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'generating', 'completed', 'error')),
  created_at             TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at             TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
-- The list query: a user's blueprints, newest first.
CREATE INDEX idx_blueprint_user_created ON blueprint_generator(user_id, created_at DESC, id DESC);
-- Stale-generation recovery scans generating rows by age.
CREATE INDEX idx_blueprint_status_updated ON blueprint_generator(status, updated_at);

CREATE TRIGGER trg_blueprint_updated_at AFTER UPDATE ON blueprint_generator
FOR EACH ROW WHEN NEW.updated_at = OLD.updated_at
BEGIN
  UPDATE blueprint_generator SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- version++ exactly when status moves into 'completed' (seed 000's increment_blueprint_version_on_completion).
CREATE TRIGGER trg_blueprint_version_on_completion AFTER UPDATE OF status ON blueprint_generator
FOR EACH ROW WHEN NEW.status = 'completed' AND OLD.status IS NOT 'completed'
BEGIN
  UPDATE blueprint_generator SET version = OLD.version + 1 WHERE id = NEW.id;
END;

CREATE TABLE blueprint_versions (
  id                  TEXT PRIMARY KEY,
  blueprint_id        TEXT NOT NULL REFERENCES blueprint_generator(id) ON DELETE CASCADE,
  user_id             TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  version             INTEGER NOT NULL CHECK (version >= 1),
  static_answers      TEXT NOT NULL CHECK (json_valid(static_answers)),
  dynamic_questions   TEXT NOT NULL CHECK (json_valid(dynamic_questions)),
  dynamic_answers     TEXT NOT NULL CHECK (json_valid(dynamic_answers)),
  blueprint_json      TEXT NOT NULL CHECK (json_valid(blueprint_json)),
  blueprint_markdown  TEXT NOT NULL,
  provider            TEXT NOT NULL,
  model               TEXT NOT NULL,
  timings             TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(timings)),
  quality             TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(quality)),
  created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (blueprint_id, version)
);
CREATE INDEX idx_blueprint_versions_user ON blueprint_versions(user_id);

-- Snapshots are immutable: a new generation is a new row.
CREATE TRIGGER trg_blueprint_versions_immutable BEFORE UPDATE ON blueprint_versions
BEGIN
  SELECT RAISE(ABORT, 'blueprint_versions rows are immutable');
END;
