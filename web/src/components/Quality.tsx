// The quality review: the score, each check with its evidence, and what to fix first.
import type { QualityReview } from "../lib/types";

export function QualityPanel({ quality }: { quality: QualityReview }) {
  return (
    <section class="panel" aria-labelledby="quality-heading">
      <h2 id="quality-heading">Quality review <span class="score">{quality.score} / 100</span></h2>
      {quality.toFix.length ? (
        <>
          <h3>What to fix</h3>
          <ol class="to-fix">{quality.toFix.map((item, index) => <li key={index}>{item}</li>)}</ol>
        </>
      ) : (
        <p>Every check passes.</p>
      )}
      <h3>Checks</h3>
      <ul class="checks">
        {quality.checks.map((check) => (
          <li key={check.id} class={check.passed ? "check check--pass" : "check check--fail"}>
            <details>
              <summary>
                <span class="check-mark" aria-hidden="true">{check.passed ? "✓" : "✗"}</span>
                <span class="check-result">{check.passed ? "Passed" : "Needs work"}:</span> {check.title}
              </summary>
              {check.evidence.length ? <ul>{check.evidence.map((line, index) => <li key={index}>{line}</li>)}</ul> : <p>No details.</p>}
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}
