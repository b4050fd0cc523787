// The catalogue: the team's published courses, with the ones the learner is enrolled in marked.
import { useEffect, useState } from "preact/hooks";
import { errorText } from "../lib/api";
import { client } from "../lib/client";
import { formatMinutes } from "../lib/format";
import type { CatalogueEntry } from "../lib/types";
import { Notice, Spinner } from "../components/forms";
import { PageHeading } from "../components/Layout";
import { coursePath, plural } from "../components/Learning";

export function CataloguePage() {
  const [courses, setCourses] = useState<CatalogueEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function load() {
    setError(null);
    setCourses(null);
    try {
      setCourses((await client.catalogue()).courses);
    } catch (failure) {
      setError(errorText(failure));
    }
  }
  useEffect(() => {
    void load();
  }, []);

  return (
    <div>
      <PageHeading focusKey="learn">Learn</PageHeading>
      <p class="lead">The courses your team has published. Enroll in one to keep your progress and take its quizzes.</p>
      {error ? (
        <Notice kind="error">{error} <button type="button" class="link-button" onClick={() => void load()}>Try again</button></Notice>
      ) : courses === null ? (
        <Spinner label="Loading the courses…" />
      ) : courses.length === 0 ? (
        <div class="empty-state">
          <h2>No courses yet</h2>
          <p>Courses appear here once your team publishes them.</p>
        </div>
      ) : (
        <ul class="blueprint-list" aria-label="Courses">
          {courses.map((course) => (
            <li key={course.courseId} class="blueprint-row">
              <div>
                <div class="blueprint-row-main">
                  <a class="blueprint-link" href={coursePath(course.courseId)}>{course.title}</a>
                  {course.enrolled ? <span class="badge badge--completed">Enrolled</span> : null}
                </div>
                {course.summary ? <p class="help">{course.summary}</p> : null}
              </div>
              <div class="blueprint-row-meta">
                <span>{plural(Number(course.lessons), "lesson")}</span>
                <span>{formatMinutes(Number(course.minutes))}</span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
