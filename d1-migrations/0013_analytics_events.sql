-- Learner events (issue 19, seed 002 phase 10.1): what browsers report (views, time on a
-- lesson) and the facts the server records itself (enrolled, lesson completed, quiz attempted
-- and passed, course completed, purchases). Append-only raw material for the nightly
-- aggregation; kept 90 days by the retention job.
CREATE TABLE analytics_events (
  id           TEXT PRIMARY KEY,
  tenant_id    TEXT NOT NULL,
  user_id      TEXT NOT NULL,
  course_id    TEXT NOT NULL,
  type         TEXT NOT NULL CHECK (type IN ('course_viewed', 'lesson_viewed', 'lesson_time', 'enrolled', 'lesson_completed',
                                             'quiz_attempted', 'quiz_passed', 'course_completed', 'purchase_completed', 'purchase_refunded')),
  source       TEXT NOT NULL CHECK (source IN ('client', 'server')),
  lesson_idx   INTEGER,
  slot         TEXT,
  occurred_at  TEXT NOT NULL,
  received_at  TEXT NOT NULL,
  metadata     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
  -- A browser reports only what only a browser knows.
  CHECK (source = 'server' OR type IN ('course_viewed', 'lesson_viewed', 'lesson_time'))
);
-- The nightly aggregation reads a tenant's day, course by course.
CREATE INDEX idx_analytics_events_day ON analytics_events(tenant_id, course_id, occurred_at);

CREATE TRIGGER trg_analytics_events_append_only BEFORE UPDATE ON analytics_events
BEGIN
  SELECT RAISE(ABORT, 'analytics events are append-only');
END;
