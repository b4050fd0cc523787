-- Syllabi (issue 18, seed 002 phase 6): one per completed blueprint version, derived from it by a
-- model or the curated split, reviewed (DRAFT → IN_REVIEW → APPROVED, back to DRAFT on a
-- rejection) and, once approved, immutable: what content is generated from.
CREATE TABLE syllabi (
  id             TEXT PRIMARY KEY,
  tenant_id      TEXT NOT NULL REFERENCES tenants(id),
  -- No cascade: a blueprint with a syllabus is kept (the trigger below), so courses built from
  -- it outlive any attempt to delete it.
  blueprint_id   TEXT NOT NULL REFERENCES blueprint_generator(id),
  version        INTEGER NOT NULL CHECK (version >= 1),
  author_id      TEXT NOT NULL REFERENCES users(id),
  status         TEXT NOT NULL DEFAULT 'DRAFT' CHECK (status IN ('DRAFT', 'IN_REVIEW', 'APPROVED')),
  source         TEXT NOT NULL CHECK (source IN ('model', 'fallback')),
  warning        TEXT,
  syllabus_json  TEXT NOT NULL CHECK (json_valid(syllabus_json) AND json_type(syllabus_json) = 'object'),
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  submitted_at   TEXT,
  approved_by    TEXT REFERENCES users(id),
  approved_at    TEXT,
  note           TEXT,
  sha256         TEXT,
  -- One syllabus per blueprint version: a second request finds the first.
  UNIQUE (blueprint_id, version),
  -- An approval names who, when, and what (the hash of the canonical JSON).
  CHECK (status <> 'APPROVED' OR (approved_by IS NOT NULL AND approved_at IS NOT NULL AND length(sha256) = 64))
);

-- A reviewer's queue and a tenant's list, newest first.
CREATE INDEX idx_syllabi_tenant_status ON syllabi(tenant_id, status, updated_at DESC);
CREATE INDEX idx_syllabi_author ON syllabi(tenant_id, author_id, updated_at DESC);

-- The syllabus belongs to its blueprint's tenant, and is of a version that exists.
CREATE TRIGGER trg_syllabus_insert_consistent BEFORE INSERT ON syllabi
FOR EACH ROW WHEN NEW.tenant_id IS NOT (SELECT tenant_id FROM blueprint_generator WHERE id = NEW.blueprint_id)
  OR NOT EXISTS (SELECT 1 FROM blueprint_versions WHERE blueprint_id = NEW.blueprint_id AND version = NEW.version)
BEGIN
  SELECT RAISE(ABORT, 'a syllabus is of an existing version of a blueprint of its tenant');
END;

-- Approved means immutable: no UPDATE and no DELETE of an approved row, whatever the caller
-- (the API answers 409 before it gets here; this holds for anything else).
CREATE TRIGGER trg_syllabus_approved_immutable BEFORE UPDATE ON syllabi
FOR EACH ROW WHEN OLD.status = 'APPROVED'
BEGIN
  SELECT RAISE(ABORT, 'an approved syllabus is immutable');
END;

CREATE TRIGGER trg_syllabus_approved_kept BEFORE DELETE ON syllabi
FOR EACH ROW WHEN OLD.status = 'APPROVED'
BEGIN
  SELECT RAISE(ABORT, 'an approved syllabus is immutable');
END;

-- What identifies a syllabus never changes.
CREATE TRIGGER trg_syllabus_identity_fixed BEFORE UPDATE OF id, tenant_id, blueprint_id, version, author_id, created_at ON syllabi
FOR EACH ROW
BEGIN
  SELECT RAISE(ABORT, 'a syllabus keeps its identity');
END;

-- A blueprint with a syllabus is kept (DELETE /api/blueprints/:id answers 409).
CREATE TRIGGER trg_blueprint_kept_for_syllabus BEFORE DELETE ON blueprint_generator
FOR EACH ROW WHEN EXISTS (SELECT 1 FROM syllabi WHERE blueprint_id = OLD.id)
BEGIN
  SELECT RAISE(ABORT, 'a blueprint with a syllabus is kept');
END;
