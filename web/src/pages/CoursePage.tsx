// One course for its learner: what it is about, its modules and lessons, and either "Enroll" or,
// once enrolled, the progress and the way back to the first lesson not done yet.
import { useEffect, useState } from "preact/hooks";
import { ApiError, errorText } from "../lib/api";
import { client } from "../lib/client";
import { formatDate, formatMinutes } from "../lib/format";
import type { CourseProgress, LearnerCourse } from "../lib/types";
import { Notice, Spinner } from "../components/forms";
import { PageHeading } from "../components/Layout";
import { CourseMeter, LEVEL_LABEL, lessonDone, lessonPath, lessonsOf, plural, quizOf, resumeIndex } from "../components/Learning";

/** The learner's progress, `null` when not enrolled (the API answers 403). */
export async function progressOrNone(courseId: string): Promise<CourseProgress | null> {
  try {
    return await client.courseProgress(courseId);
  } catch (failure) {
    if (failure instanceof ApiError && failure.status === 403) return null;
    throw failure;
  }
}

export function notFoundText(failure: unknown, what: string): string {
  return failure instanceof ApiError && failure.status === 404 ? `This ${what} does not exist, or it is not offered to you.` : errorText(failure);
}

export function CoursePage({ courseId }: { courseId: string }) {
  const [course, setCourse] = useState<LearnerCourse | null>(null);
  // undefined: not known yet; null: not enrolled.
  const [progress, setProgress] = useState<CourseProgress | null | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [notice, setNotice] = useState("");

  async function load() {
    setLoadError(null);
    try {
      const [outline, found] = await Promise.all([client.learnerCourse(courseId), progressOrNone(courseId)]);
      setCourse(outline);
      setProgress(found);
    } catch (failure) {
      setLoadError(notFoundText(failure, "course"));
    }
  }
  useEffect(() => {
    setCourse(null);
    setProgress(undefined);
    setNotice("");
    void load();
  }, [courseId]);

  async function enroll() {
    setBusy(true);
    setActionError(null);
    try {
      await client.enroll(courseId);
      setProgress(await client.courseProgress(courseId));
      setNotice("You are enrolled. Your progress is kept as you go.");
      window.setTimeout(() => document.getElementById("resume")?.focus());
    } catch (failure) {
      setActionError(errorText(failure));
    }
    setBusy(false);
  }

  const back = <p><a href="/learn">← All courses</a></p>;
  if (loadError) {
    return (
      <div>
        {back}
        <PageHeading focusKey="course-missing">Course</PageHeading>
        <Notice kind="error">{loadError} <button type="button" class="link-button" onClick={() => void load()}>Try again</button></Notice>
      </div>
    );
  }
  if (!course || progress === undefined) return <div>{back}<Spinner label="Loading the course…" /></div>;

  const lessons = lessonsOf(course);
  const minutes = lessons.reduce((sum, lesson) => sum + lesson.minutes, 0);
  const next = progress ? resumeIndex(lessons, progress) : 0;
  const nextTitle = lessons.find((lesson) => lesson.index === next)?.title ?? "";
  const started = progress ? progress.lessons.some((lesson) => lesson.completed) || progress.quizzes.some((quiz) => quiz.attempts > 0) : false;

  return (
    <div>
      {back}
      <p class="eyebrow">Course · {plural(lessons.length, "lesson")} · {formatMinutes(minutes)}</p>
      <PageHeading focusKey={`course-${courseId}`}>{course.title}</PageHeading>
      {course.summary ? <p class="lead">{course.summary}</p> : null}
      <div class="panel">
        <p><strong>Level:</strong> {LEVEL_LABEL[course.level] ?? course.level}</p>
        <p><strong>Prerequisites:</strong> {course.prerequisites.length ? course.prerequisites.join("; ") : "none"}</p>
      </div>
      <p role="status" aria-live="polite" class="status-line">{notice}</p>
      <section class="panel" aria-labelledby="enrollment-heading">
        {progress ? (
          <>
            <h2 id="enrollment-heading">Your progress</h2>
            <CourseMeter progress={progress} />
            {progress.completedAt ? <Notice kind="success"><strong>Course complete.</strong> You finished it on {formatDate(progress.completedAt)}.</Notice> : null}
            <div class="actions">
              <a id="resume" class="button button--primary" href={lessonPath(courseId, next)}>
                {progress.completedAt ? "Review" : started ? "Resume" : "Start"}: {nextTitle}
              </a>
            </div>
          </>
        ) : (
          <>
            <h2 id="enrollment-heading">Enrollment</h2>
            <p class="help">Enroll to keep your progress and take the quizzes. You can read the lessons either way.</p>
            {actionError ? <Notice kind="error">{actionError}</Notice> : null}
            <div class="actions">
              <button type="button" class="button button--primary" disabled={busy} onClick={() => void enroll()}>{busy ? "Enrolling…" : "Enroll"}</button>
            </div>
          </>
        )}
      </section>
      {course.modules.map((module, m) => (
        <section key={module.id} class="panel" aria-labelledby={`module-${m}-title`}>
          <h2 id={`module-${m}-title`}>{module.title.toLowerCase().startsWith(`module ${m + 1}`) ? module.title : `Module ${m + 1}: ${module.title}`}</h2>
          <p class="duration">{formatMinutes(module.durationMinutes)}</p>
          {module.objectives.length ? (
            <details>
              <summary>Module objectives ({module.objectives.length})</summary>
              <ul>{module.objectives.map((objective, o) => <li key={o}>{objective}</li>)}</ul>
            </details>
          ) : null}
          <ol class="modules" aria-label={`Lessons of module ${m + 1}`}>
            {module.lessons.map((lesson) => {
              const done = progress ? lessonDone(progress, lesson.index) : false;
              const quiz = progress ? quizOf(progress, lesson.quizSlot) : null;
              return (
                <li key={lesson.index} class="module-card">
                  <h3><a href={lessonPath(courseId, lesson.index)}>{lesson.title}</a></h3>
                  <p class="duration">{formatMinutes(lesson.minutes)} · quiz of {plural(lesson.questions, "question")}</p>
                  {progress ? (
                    <p class="actions">
                      {done ? <span class="badge badge--completed">✓ Completed</span> : <span class="badge">Not completed</span>}
                      <span>
                        {quiz && quiz.attempts > 0
                          ? `Quiz: best score ${quiz.bestScore ?? 0} %, ${quiz.passed ? "passed" : "not passed yet"}`
                          : "Quiz not taken yet"}
                      </span>
                    </p>
                  ) : null}
                </li>
              );
            })}
          </ol>
        </section>
      ))}
    </div>
  );
}
