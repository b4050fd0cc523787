-- Learners (issue 13, seed 002 phases 9.1–9.3): an enrollment pins a course package version;
-- progress is kept by the lesson's stable slot and its content's hash (so a later version of
-- the course can carry it over); quiz attempts are graded on the server and kept as made.
CREATE TABLE enrollments (
  id            TEXT PRIMARY KEY,
  tenant_id     TEXT NOT NULL REFERENCES tenants(id),
  user_id       TEXT NOT NULL REFERENCES users(id),
  course_id     TEXT NOT NULL REFERENCES syllabi(id),
  version       INTEGER NOT NULL CHECK (version >= 1),
  created_at    TEXT NOT NULL,
  completed_at  TEXT,
  UNIQUE (user_id, course_id)
);

-- An enrollment is of a published version of a course of the learner's tenant.
CREATE TRIGGER trg_enrollment_of_published BEFORE INSERT ON enrollments
FOR EACH ROW WHEN NOT EXISTS (
  SELECT 1 FROM course_packages WHERE course_id = NEW.course_id AND version = NEW.version AND status = 'PUBLISHED' AND tenant_id = NEW.tenant_id)
  OR NEW.tenant_id IS NOT (SELECT tenant_id FROM users WHERE id = NEW.user_id)
BEGIN
  SELECT RAISE(ABORT, 'an enrollment is of a published course of the learner''s tenant');
END;

CREATE TABLE lesson_progress (
  enrollment_id   TEXT NOT NULL REFERENCES enrollments(id),
  slot            TEXT NOT NULL,
  content_sha256  TEXT NOT NULL,
  completed       INTEGER NOT NULL CHECK (completed IN (0, 1)),
  completed_at    TEXT,
  updated_at      TEXT NOT NULL,
  PRIMARY KEY (enrollment_id, slot)
);

CREATE TABLE quiz_attempts (
  id              TEXT PRIMARY KEY,
  enrollment_id   TEXT NOT NULL REFERENCES enrollments(id),
  slot            TEXT NOT NULL,
  content_sha256  TEXT NOT NULL,
  answers         TEXT NOT NULL CHECK (json_valid(answers)),
  score           INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
  passed          INTEGER NOT NULL CHECK (passed IN (0, 1)),
  created_at      TEXT NOT NULL
);
CREATE INDEX idx_quiz_attempts_enrollment ON quiz_attempts(enrollment_id, slot);

-- An attempt is a record: kept as made.
CREATE TRIGGER trg_quiz_attempt_kept BEFORE UPDATE ON quiz_attempts
BEGIN
  SELECT RAISE(ABORT, 'a quiz attempt is kept as made');
END;
