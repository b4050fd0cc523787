-- Course packages (issue 13, seed 002 phases 7.6 and 8): each publish of a course (an approved
-- syllabus) is a numbered, immutable version — the row here, the frozen JSON in R2 under a
-- content-addressed key written once. Insert-only: the one change ever allowed is archiving
-- (PUBLISHED → ARCHIVED), and no row is ever deleted.
CREATE TABLE course_packages (
  id            TEXT PRIMARY KEY,
  tenant_id     TEXT NOT NULL REFERENCES tenants(id),
  course_id     TEXT NOT NULL REFERENCES syllabi(id),
  version       INTEGER NOT NULL CHECK (version >= 1),
  status        TEXT NOT NULL DEFAULT 'PUBLISHED' CHECK (status IN ('PUBLISHED', 'ARCHIVED')),
  title         TEXT NOT NULL,
  summary       TEXT NOT NULL,
  lessons       INTEGER NOT NULL CHECK (lessons >= 1),
  minutes       INTEGER NOT NULL CHECK (minutes >= 1),
  sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
  bytes         INTEGER NOT NULL CHECK (bytes BETWEEN 1 AND 5000000),
  r2_key        TEXT NOT NULL,
  published_by  TEXT NOT NULL REFERENCES users(id),
  created_at    TEXT NOT NULL,
  UNIQUE (course_id, version)
);
CREATE INDEX idx_course_packages_tenant ON course_packages(tenant_id, course_id, version DESC);

-- A course is published from an approved syllabus of the same tenant.
CREATE TRIGGER trg_package_of_approved_syllabus BEFORE INSERT ON course_packages
FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM syllabi WHERE id = NEW.course_id AND tenant_id = NEW.tenant_id AND status = 'APPROVED')
BEGIN
  SELECT RAISE(ABORT, 'a course is published from an approved syllabus of its tenant');
END;

CREATE TRIGGER trg_package_insert_only BEFORE UPDATE ON course_packages
FOR EACH ROW WHEN NOT (OLD.status = 'PUBLISHED' AND NEW.status = 'ARCHIVED')
  OR NEW.id IS NOT OLD.id OR NEW.tenant_id IS NOT OLD.tenant_id OR NEW.course_id IS NOT OLD.course_id
  OR NEW.version IS NOT OLD.version OR NEW.title IS NOT OLD.title OR NEW.summary IS NOT OLD.summary OR NEW.lessons IS NOT OLD.lessons
  OR NEW.minutes IS NOT OLD.minutes OR NEW.sha256 IS NOT OLD.sha256 OR NEW.bytes IS NOT OLD.bytes
  OR NEW.r2_key IS NOT OLD.r2_key OR NEW.published_by IS NOT OLD.published_by OR NEW.created_at IS NOT OLD.created_at
BEGIN
  SELECT RAISE(ABORT, 'a course package is immutable (only PUBLISHED -> ARCHIVED)');
END;

CREATE TRIGGER trg_package_kept BEFORE DELETE ON course_packages
FOR EACH ROW
BEGIN
  SELECT RAISE(ABORT, 'a course package is immutable (only PUBLISHED -> ARCHIVED)');
END;
