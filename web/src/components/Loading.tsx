// What a blueprint page shows before its data is there: a spinner, the error with a retry, or
// "not found" with the way back.
import type { Loaded } from "../lib/useBlueprint";
import { Notice, Spinner } from "./forms";
import { PageHeading } from "./Layout";

export function LoadingState({ loaded }: { loaded: Loaded }) {
  if (loaded.notFound) {
    return (
      <div>
        <PageHeading focusKey="not-found">Blueprint not found</PageHeading>
        <p>It may have been deleted, or the link is wrong. <a href="/">Back to my blueprints</a></p>
      </div>
    );
  }
  if (loaded.error) {
    return (
      <Notice kind="error">
        {loaded.error} <button type="button" class="link-button" onClick={() => void loaded.reload()}>Try again</button>
      </Notice>
    );
  }
  return <Spinner label="Loading…" />;
}
