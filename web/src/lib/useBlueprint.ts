// Loads one blueprint for a page; a missing one and someone else's look the same (404).
import { useEffect, useState } from "preact/hooks";
import { ApiError, errorText } from "./api";
import { client } from "./client";
import type { BlueprintRecord } from "./types";

export type Loaded = { record: BlueprintRecord | null; error: string | null; notFound: boolean; reload: () => Promise<void>; setRecord: (record: BlueprintRecord) => void };

export function useBlueprint(id: string): Loaded {
  const [record, setRecord] = useState<BlueprintRecord | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notFound, setNotFound] = useState(false);

  async function reload() {
    setError(null);
    try {
      setRecord(await client.blueprint(id));
    } catch (failure) {
      if (failure instanceof ApiError && (failure.status === 404 || failure.status === 400)) setNotFound(true);
      else setError(errorText(failure));
    }
  }

  useEffect(() => {
    setRecord(null);
    setNotFound(false);
    void reload();
  }, [id]);

  return { record, error, notFound, reload, setRecord };
}
