-- The audit trail stays append-only, with one exception: rows older than 400 days may be
-- deleted (the daily retention job does). The database refuses every other delete, so no
-- handler, job or console can remove recent history.
DROP TRIGGER trg_audit_log_no_delete;
CREATE TRIGGER trg_audit_log_retention BEFORE DELETE ON audit_log
FOR EACH ROW WHEN OLD.created_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-400 days')
BEGIN
  SELECT RAISE(ABORT, 'audit_log rows are kept for 400 days');
END;
CREATE INDEX idx_audit_created ON audit_log(created_at);
