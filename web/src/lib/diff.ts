// A line diff (longest common subsequence) for comparing two versions' pretty-printed JSON.

export type DiffLine = { text: string; changed: boolean };
export type LineDiff = { left: DiffLine[]; right: DiffLine[]; changed: number };

/** Beyond this many line pairs the diff marks every line that differs by position instead. */
const MAX_CELLS = 4_000_000;

export function lineDiff(before: string[], after: string[]): LineDiff {
  const n = before.length;
  const m = after.length;
  if ((n + 1) * (m + 1) > MAX_CELLS) {
    const left = before.map((text, i) => ({ text, changed: after[i] !== text }));
    const right = after.map((text, i) => ({ text, changed: before[i] !== text }));
    return { left, right, changed: left.filter((l) => l.changed).length + right.filter((l) => l.changed).length };
  }
  // common[i * (m + 1) + j]: the longest common subsequence of before[i..] and after[j..].
  const width = m + 1;
  const common = new Int32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      common[i * width + j] = before[i] === after[j] ? common[(i + 1) * width + j + 1] + 1 : Math.max(common[(i + 1) * width + j], common[i * width + j + 1]);
    }
  }
  const left: DiffLine[] = [];
  const right: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && before[i] === after[j]) {
      left.push({ text: before[i], changed: false });
      right.push({ text: after[j], changed: false });
      i += 1;
      j += 1;
    } else if (j >= m || (i < n && common[(i + 1) * width + j] >= common[i * width + j + 1])) {
      left.push({ text: before[i], changed: true });
      i += 1;
    } else {
      right.push({ text: after[j], changed: true });
      j += 1;
    }
  }
  return { left, right, changed: left.filter((l) => l.changed).length + right.filter((l) => l.changed).length };
}

/** The JSON as compared and edited: two-space indentation, one value a line. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? "";
}
