-- Operations: one row per job attempt, and the audit trail.

CREATE TABLE job_runs (
  id           TEXT PRIMARY KEY,
  job_name     TEXT NOT NULL,
  -- The slot this run is for (a day, a 5-minute window, a probe id): at most one running or
  -- succeeded run per (job_name, run_key) makes every job idempotent per slot.
  run_key      TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'skipped')),
  trigger      TEXT NOT NULL DEFAULT 'cron',
  started_at   TEXT NOT NULL,
  finished_at  TEXT,
  duration_ms  INTEGER CHECK (duration_ms IS NULL OR duration_ms >= 0),
  details      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details)),
  error        TEXT
);
CREATE UNIQUE INDEX uq_job_runs_slot ON job_runs(job_name, run_key) WHERE status IN ('running', 'succeeded');
CREATE INDEX idx_job_runs_name_started ON job_runs(job_name, started_at DESC);

CREATE TABLE audit_log (
  id           TEXT PRIMARY KEY,
  actor_id     TEXT,
  actor_kind   TEXT NOT NULL CHECK (actor_kind IN ('user', 'admin', 'system')),
  action       TEXT NOT NULL,
  entity_type  TEXT NOT NULL,
  entity_id    TEXT,
  tenant_id    TEXT,
  request_id   TEXT,
  metadata     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX idx_audit_entity ON audit_log(entity_type, entity_id);
CREATE INDEX idx_audit_actor_created ON audit_log(actor_id, created_at DESC);
CREATE INDEX idx_audit_action_created ON audit_log(action, created_at DESC);

-- The audit trail is append-only.
CREATE TRIGGER trg_audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER trg_audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
