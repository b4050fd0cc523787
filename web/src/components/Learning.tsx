// What the learner pages share: the course's lessons in order, where to resume, and the
// course's progress as a meter with its numbers in words.
import type { CourseProgress, LearnerCourse, LessonEntry, Level } from "../lib/types";
import { Meter } from "./Charts";

export const LEVEL_LABEL: Record<Level, string> = { beginner: "Beginner", intermediate: "Intermediate", advanced: "Advanced" };

/** The course's lessons in package order (their `index` is the API's and the URL's). */
export function lessonsOf(course: LearnerCourse): LessonEntry[] {
  return course.modules.flatMap((module) => module.lessons).sort((a, b) => a.index - b.index);
}

export function lessonPath(courseId: string, index: number): string {
  return `/learn/${encodeURIComponent(courseId)}/lesson/${index}`;
}

export function coursePath(courseId: string): string {
  return `/learn/${encodeURIComponent(courseId)}`;
}

export function lessonDone(progress: CourseProgress, index: number): boolean {
  return progress.lessons.some((lesson) => lesson.index === index && lesson.completed);
}

export function quizOf(progress: CourseProgress, slot: string) {
  return progress.quizzes.find((quiz) => quiz.slot === slot) ?? null;
}

/** The first lesson not completed (then the first whose quiz is not passed); the first lesson
 * when everything is done. */
export function resumeIndex(lessons: LessonEntry[], progress: CourseProgress): number {
  const open = lessons.find((lesson) => !lessonDone(progress, lesson.index)) ?? lessons.find((lesson) => !quizOf(progress, lesson.quizSlot)?.passed);
  return (open ?? lessons[0])?.index ?? 0;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function CourseMeter({ progress }: { progress: CourseProgress }) {
  const lessons = progress.lessons.length;
  const done = progress.lessons.filter((lesson) => lesson.completed).length;
  const passed = progress.quizzes.filter((quiz) => quiz.passed).length;
  const detail = `${done} of ${plural(lessons, "lesson")} completed, ${passed} of ${plural(progress.quizzes.length, "quiz", "quizzes")} passed`;
  return <Meter label="Course progress" share={progress.percent / 100} detail={detail} />;
}
