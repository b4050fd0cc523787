// One lesson for its learner: a calm reading view (objectives, overview, concepts with their
// examples, key takeaways, practice), its quiz checked on the server with feedback per
// question, "Mark complete", the course's progress and the way to the previous and next lesson.
import { useEffect, useState } from "preact/hooks";
import { errorText } from "../lib/api";
import { client } from "../lib/client";
import { formatDate, formatMinutes } from "../lib/format";
import type { CourseProgress, Graded, LearnerCourse, LearnerLesson, LearnerQuestion, Lesson } from "../lib/types";
import { Notice, Spinner } from "../components/forms";
import { PageHeading } from "../components/Layout";
import { CourseMeter, coursePath, lessonDone, lessonPath, lessonsOf, quizOf } from "../components/Learning";
import { notFoundText, progressOrNone } from "./CoursePage";

/** The pass mark until an attempt's result states it (docs/API.md: 70 %). */
const PASS_MARK = 70;

type Busy = "enroll" | "complete" | "quiz" | null;

export function LessonPage({ courseId, index }: { courseId: string; index: number }) {
  const [lesson, setLesson] = useState<LearnerLesson | null>(null);
  const [course, setCourse] = useState<LearnerCourse | null>(null);
  // undefined: not known yet; null: not enrolled.
  const [progress, setProgress] = useState<CourseProgress | null | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [busy, setBusy] = useState<Busy>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [notice, setNotice] = useState("");

  async function load() {
    setLoadError(null);
    try {
      const [found, outline, mine] = await Promise.all([client.learnerLesson(courseId, index), client.learnerCourse(courseId), progressOrNone(courseId)]);
      setLesson(found);
      setCourse(outline);
      setProgress(mine);
    } catch (failure) {
      setLoadError(notFoundText(failure, "lesson"));
    }
  }
  useEffect(() => {
    void load();
  }, []);

  /** New progress; says so when it completes the course. */
  function progressed(next: CourseProgress, message: string) {
    const finished = next.completedAt && !progress?.completedAt;
    setProgress(next);
    setNotice(finished ? `${message} You have completed the course.` : message);
  }

  async function enroll() {
    setBusy("enroll");
    setActionError(null);
    try {
      await client.enroll(courseId);
      setProgress(await client.courseProgress(courseId));
      setNotice("You are enrolled. Your progress is kept as you go.");
      // The button that had the focus is gone: the quiz, now open, takes it.
      window.setTimeout(() => document.getElementById("quiz-heading")?.focus());
    } catch (failure) {
      setActionError(errorText(failure));
    }
    setBusy(null);
  }

  async function markComplete() {
    setBusy("complete");
    setActionError(null);
    try {
      progressed(await client.markLesson(courseId, index, true), "Lesson marked complete.");
      window.setTimeout(() => document.getElementById("lesson-done")?.focus());
    } catch (failure) {
      setActionError(errorText(failure));
    }
    setBusy(null);
  }

  const back = <p><a href={coursePath(courseId)}>← {course ? course.title : "The course"}</a></p>;
  if (loadError) {
    return (
      <div>
        <p><a href="/learn">← All courses</a></p>
        <PageHeading focusKey="lesson-missing">Lesson</PageHeading>
        <Notice kind="error">{loadError} <button type="button" class="link-button" onClick={() => void load()}>Try again</button></Notice>
      </div>
    );
  }
  if (!lesson || !course || progress === undefined) return <div>{back}<Spinner label="Loading the lesson…" /></div>;

  const titles = new Map(lessonsOf(course).map((entry) => [entry.index, entry.title]));
  const done = progress ? lessonDone(progress, index) : false;
  const doneAt = progress?.lessons.find((entry) => entry.index === index)?.completedAt ?? null;

  return (
    <div>
      {back}
      <p class="eyebrow">Lesson {index + 1} of {lesson.lessons} · {formatMinutes(lesson.minutes)}</p>
      <PageHeading focusKey={`lesson-${courseId}-${index}`}>{lesson.title}</PageHeading>
      {progress ? <CourseMeter progress={progress} /> : null}
      <p role="status" aria-live="polite" class="status-line">{notice}</p>
      {progress?.completedAt ? (
        <Notice kind="success">
          <strong>Course complete.</strong> You completed every lesson and passed every quiz on {formatDate(progress.completedAt)}. <a href={coursePath(courseId)}>Back to the course</a>
        </Notice>
      ) : null}
      {actionError ? <Notice kind="error">{actionError}</Notice> : null}
      {progress === null ? (
        <div class="notice notice--info">
          <p>You are reading without enrolling: your progress is not kept and your quiz answers cannot be checked.</p>
          <button type="button" class="button button--primary" disabled={busy !== null} onClick={() => void enroll()}>{busy === "enroll" ? "Enrolling…" : "Enroll in this course"}</button>
        </div>
      ) : null}

      <LessonText lesson={lesson} />

      <Quiz
        key={lesson.quiz.slot}
        courseId={courseId}
        slot={lesson.quiz.slot}
        questions={lesson.quiz.questions}
        enrolled={progress !== null}
        best={progress ? quizOf(progress, lesson.quiz.slot) : null}
        onGraded={async (graded) => {
          try {
            progressed(await client.courseProgress(courseId), graded.passed ? "Quiz passed." : "Quiz checked.");
          } catch {
            // The result is on the page; the progress catches up on the next load.
          }
        }}
      />

      {progress ? (
        <section class="panel" aria-labelledby="finish-heading">
          <h2 id="finish-heading">Finish the lesson</h2>
          {done ? (
            <p id="lesson-done" tabIndex={-1}>
              <span class="badge badge--completed">✓ Completed</span> You marked this lesson complete{doneAt ? ` on ${formatDate(doneAt)}` : ""}.
            </p>
          ) : (
            <>
              <p class="help">When you have read the lesson and tried the practice task, mark it complete. The course is complete when every lesson is and every quiz is passed.</p>
              <button type="button" class="button button--primary" disabled={busy !== null} onClick={() => void markComplete()}>{busy === "complete" ? "Saving…" : "Mark complete"}</button>
            </>
          )}
        </section>
      ) : null}

      <nav class="wizard-footer" aria-label="Lessons">
        {lesson.previous !== null ? (
          <a href={lessonPath(courseId, lesson.previous)}>← Previous: {titles.get(lesson.previous) ?? `lesson ${lesson.previous + 1}`}</a>
        ) : (
          <span />
        )}
        {lesson.next !== null ? (
          <a href={lessonPath(courseId, lesson.next)}>Next: {titles.get(lesson.next) ?? `lesson ${lesson.next + 1}`} →</a>
        ) : (
          <a href={coursePath(courseId)}>Back to the course overview</a>
        )}
      </nav>
    </div>
  );
}

function LessonText({ lesson }: { lesson: LearnerLesson }) {
  // The lesson document as the package holds it (validated when it was written; read with care all the same).
  const doc = (lesson.lesson ?? {}) as Partial<Lesson>;
  const objectives = doc.objectives?.length ? doc.objectives : lesson.objectives;
  const concepts = doc.explanation?.concepts ?? [];
  const takeaways = doc.keyTakeaways ?? [];
  return (
    <article aria-label="Lesson" class="panel">
      {objectives.length ? (
        <section aria-labelledby="objectives-heading">
          <h2 id="objectives-heading">What you will learn</h2>
          <ul>{objectives.map((objective, i) => <li key={i}>{objective}</li>)}</ul>
        </section>
      ) : null}
      {doc.explanation?.overview ? (
        <section aria-labelledby="overview-heading">
          <h2 id="overview-heading">Overview</h2>
          <p class="overview">{doc.explanation.overview}</p>
        </section>
      ) : null}
      {concepts.length ? (
        <section aria-labelledby="concepts-heading">
          <h2 id="concepts-heading">Concepts</h2>
          {concepts.map((concept, i) => (
            <div key={i}>
              <h3>{concept.title}</h3>
              <p>{concept.explanation}</p>
              {concept.example ? <p><strong>Example:</strong> {concept.example}</p> : null}
            </div>
          ))}
        </section>
      ) : null}
      {takeaways.length ? (
        <section aria-labelledby="takeaways-heading">
          <h2 id="takeaways-heading">Key takeaways</h2>
          <ul>{takeaways.map((takeaway, i) => <li key={i}>{takeaway}</li>)}</ul>
        </section>
      ) : null}
      {doc.practice?.prompt ? (
        <section aria-labelledby="practice-heading">
          <h2 id="practice-heading">Practice</h2>
          <p>{doc.practice.prompt}</p>
          {doc.practice.expectedOutcome ? (
            <details>
              <summary>What a good answer looks like</summary>
              <p>{doc.practice.expectedOutcome}</p>
            </details>
          ) : null}
        </section>
      ) : null}
    </article>
  );
}

function Quiz({ courseId, slot, questions, enrolled, best, onGraded }: {
  courseId: string;
  slot: string;
  questions: LearnerQuestion[];
  enrolled: boolean;
  best: { bestScore: number | null; passed: boolean; attempts: number } | null;
  onGraded: (graded: Graded) => void;
}) {
  const [answers, setAnswers] = useState<(number | null)[]>(() => questions.map(() => null));
  const [graded, setGraded] = useState<Graded | null>(null);
  const [missing, setMissing] = useState<number[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (!questions.length) return null;

  function choose(question: number, option: number) {
    setAnswers((previous) => previous.map((answer, i) => (i === question ? option : answer)));
    setMissing((previous) => previous.filter((i) => i !== question));
  }

  async function check(event: Event) {
    event.preventDefault();
    const unanswered = answers.flatMap((answer, i) => (answer === null ? [i] : []));
    setMissing(unanswered);
    if (unanswered.length) {
      setError(`Answer every question first: ${unanswered.length === 1 ? `question ${unanswered[0] + 1} has` : `questions ${unanswered.map((i) => i + 1).join(", ")} have`} no answer.`);
      document.querySelector<HTMLInputElement>(`input[name="q-${unanswered[0]}"]`)?.focus();
      return;
    }
    setError(null);
    setBusy(true);
    try {
      const result = await client.attemptQuiz(courseId, slot, answers as number[]);
      setGraded(result);
      window.setTimeout(() => document.getElementById("quiz-result")?.focus());
      onGraded(result);
    } catch (failure) {
      setError(errorText(failure));
    }
    setBusy(false);
  }

  function again() {
    setGraded(null);
    setAnswers(questions.map(() => null));
    setMissing([]);
    window.setTimeout(() => document.querySelector<HTMLInputElement>('input[name="q-0"]')?.focus());
  }

  const passMark = graded?.passMark ?? PASS_MARK;
  return (
    <section class="panel" aria-labelledby="quiz-heading">
      <h2 id="quiz-heading" tabIndex={-1}>Quiz</h2>
      <p class="help">
        {questions.length} {questions.length === 1 ? "question" : "questions"}. You pass with {passMark} % or more; you can try as often as you like.
        {best && best.attempts > 0 ? ` Your best score so far: ${best.bestScore ?? 0} %${best.passed ? " (passed)" : ""}.` : ""}
      </p>
      <form onSubmit={(event) => void check(event)} noValidate aria-label="Quiz">
        {questions.map((question, q) => {
          const result = graded?.results[q];
          const invalid = missing.includes(q);
          const described = [result ? `q-${q}-feedback` : null, invalid ? `q-${q}-error` : null].filter(Boolean).join(" ");
          return (
            <fieldset key={q} class={`field choice-group${invalid ? " field--invalid" : ""}`} aria-describedby={described || undefined}>
              <legend>{question.question}</legend>
              {question.options.map((option, o) => (
                <label key={o} class="choice">
                  <input type="radio" name={`q-${q}`} value={o} checked={answers[q] === o} disabled={graded !== null || busy} onChange={() => choose(q, o)} />
                  <span>
                    {option}
                    {result && answers[q] === o ? <span class="score">(your answer)</span> : null}
                    {result && !result.correct && result.correctIndex === o ? <span class="score">(the right answer)</span> : null}
                  </span>
                </label>
              ))}
              {invalid ? <p class="error" id={`q-${q}-error`}>Choose an answer.</p> : null}
              {result ? (
                <div id={`q-${q}-feedback`}>
                  <p>
                    {result.correct ? <span class="badge badge--completed">✓ Correct</span> : <span class="badge badge--error">✗ Incorrect</span>}{" "}
                    {result.correct ? "" : `The right answer is “${question.options[result.correctIndex] ?? `option ${result.correctIndex + 1}`}”.`}
                  </p>
                  {result.explanation ? <p>{result.explanation}</p> : null}
                </div>
              ) : null}
            </fieldset>
          );
        })}
        {error ? <p class="error" role="alert">{error}</p> : null}
        {graded ? (
          <div id="quiz-result" tabIndex={-1} class={`notice ${graded.passed ? "notice--success" : "notice--warning"}`}>
            <p>
              <strong>Your score: {graded.score} % — {graded.passed ? "passed" : "not passed"}.</strong>{" "}
              {graded.passed
                ? `${graded.results.filter((r) => r.correct).length} of ${graded.results.length} right.`
                : `${graded.results.filter((r) => r.correct).length} of ${graded.results.length} right; you need ${graded.passMark} % to pass. Read the explanations, then try again.`}
            </p>
            <button type="button" class="button" onClick={again}>Try again</button>
          </div>
        ) : enrolled ? (
          <div class="actions">
            <button type="submit" class="button button--primary" disabled={busy}>{busy ? "Checking…" : "Check my answers"}</button>
          </div>
        ) : (
          <p class="help">Enroll in the course to have your answers checked.</p>
        )}
      </form>
    </section>
  );
}
