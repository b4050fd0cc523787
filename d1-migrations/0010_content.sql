-- Content generated from an approved syllabus (issue 18, seed 002 phases 7.1–7.5; seed 003's
-- job / job-item pipeline). A job asks for some slots; each slot is one item the queue consumer
-- writes; each written item is a new version row of the slot's content, reviewed on its own.

CREATE TABLE generation_jobs (
  id               TEXT PRIMARY KEY,
  tenant_id        TEXT NOT NULL REFERENCES tenants(id),
  syllabus_id      TEXT NOT NULL REFERENCES syllabi(id),
  requested_by     TEXT NOT NULL REFERENCES users(id),
  status           TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed')),
  idempotency_key  TEXT,
  -- A reviewer's instructions for a regeneration, told to the writer of every item.
  instructions     TEXT,
  created_at       TEXT NOT NULL,
  completed_at     TEXT,
  -- A retried request with the same key finds the job it made.
  UNIQUE (requested_by, idempotency_key)
);
CREATE INDEX idx_generation_jobs_syllabus ON generation_jobs(syllabus_id, created_at DESC);

CREATE TABLE generation_job_items (
  id               TEXT PRIMARY KEY,
  job_id           TEXT NOT NULL REFERENCES generation_jobs(id),
  position         INTEGER NOT NULL,
  slot             TEXT NOT NULL,
  kind             TEXT NOT NULL CHECK (kind IN ('lesson', 'quiz', 'project')),
  status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processing', 'completed', 'needs_review', 'failed')),
  -- Set when the item is sent to the queue: at most MAX_IN_FLIGHT of a job's items are.
  queued_at        TEXT,
  attempts         INTEGER NOT NULL DEFAULT 0,
  lease_until      TEXT,
  content_item_id  TEXT,
  findings         TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(findings)),
  error            TEXT,
  updated_at       TEXT NOT NULL,
  UNIQUE (job_id, slot),
  UNIQUE (job_id, position)
);
CREATE INDEX idx_generation_items_job_status ON generation_job_items(job_id, status, position);
-- The stale-work recovery scans claims by lease.
CREATE INDEX idx_generation_items_lease ON generation_job_items(status, lease_until);

CREATE TABLE content_items (
  id               TEXT PRIMARY KEY,
  tenant_id        TEXT NOT NULL REFERENCES tenants(id),
  syllabus_id      TEXT NOT NULL REFERENCES syllabi(id),
  slot             TEXT NOT NULL,
  kind             TEXT NOT NULL CHECK (kind IN ('lesson', 'quiz', 'project')),
  version          INTEGER NOT NULL CHECK (version >= 1),
  status           TEXT NOT NULL DEFAULT 'DRAFT' CHECK (status IN ('DRAFT', 'APPROVED', 'REJECTED')),
  source           TEXT NOT NULL CHECK (source IN ('model', 'fallback', 'edit')),
  document         TEXT NOT NULL CHECK (json_valid(document) AND json_type(document) = 'object'),
  findings         TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(findings)),
  author_id        TEXT NOT NULL REFERENCES users(id),
  -- The job item that wrote it: a redelivered message never makes a second version.
  job_item_id      TEXT UNIQUE,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  approved_by      TEXT REFERENCES users(id),
  approved_at      TEXT,
  note             TEXT,
  sha256           TEXT,
  UNIQUE (syllabus_id, slot, version),
  CHECK (status <> 'APPROVED' OR (approved_by IS NOT NULL AND approved_at IS NOT NULL AND length(sha256) = 64))
);
CREATE INDEX idx_content_items_slot ON content_items(syllabus_id, slot, version DESC);

-- Content is written only for an approved syllabus of the same tenant.
CREATE TRIGGER trg_content_of_approved_syllabus BEFORE INSERT ON content_items
FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM syllabi WHERE id = NEW.syllabus_id AND tenant_id = NEW.tenant_id AND status = 'APPROVED')
BEGIN
  SELECT RAISE(ABORT, 'content is written for an approved syllabus of its tenant');
END;

CREATE TRIGGER trg_generation_job_of_approved_syllabus BEFORE INSERT ON generation_jobs
FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM syllabi WHERE id = NEW.syllabus_id AND tenant_id = NEW.tenant_id AND status = 'APPROVED')
BEGIN
  SELECT RAISE(ABORT, 'content is written for an approved syllabus of its tenant');
END;

-- Approved content is immutable, and kept; a decided version (approved or rejected) stays
-- decided.
CREATE TRIGGER trg_content_approved_immutable BEFORE UPDATE ON content_items
FOR EACH ROW WHEN OLD.status = 'APPROVED'
BEGIN
  SELECT RAISE(ABORT, 'approved content is immutable');
END;

CREATE TRIGGER trg_content_approved_kept BEFORE DELETE ON content_items
FOR EACH ROW WHEN OLD.status = 'APPROVED'
BEGIN
  SELECT RAISE(ABORT, 'approved content is immutable');
END;

CREATE TRIGGER trg_content_rejected_final BEFORE UPDATE ON content_items
FOR EACH ROW WHEN OLD.status = 'REJECTED'
BEGIN
  SELECT RAISE(ABORT, 'a rejected version stays rejected');
END;
