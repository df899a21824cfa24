import { useCallback, useEffect, useState } from 'react';
import { get } from './api';

/**
 * A page that lists things from one endpoint and acts on them: the list (null while loading), the
 * last error, the last notice, and `run`, which clears both, performs one act, shows the sentence it
 * returns and reloads the list (an error is shown instead and the list is left as it was).
 */
export function useListActions<T>(url: string) {
  const [list, setList] = useState<T[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const load = useCallback(() => get<T[]>(url).then(setList, setError), [url]);
  useEffect(() => {
    void load();
  }, [load]);

  const run = useCallback(
    async (act: () => Promise<string>) => {
      setError(null);
      setNotice(null);
      try {
        setNotice(await act());
        await load();
      } catch (err) {
        setError(err);
      }
    },
    [load],
  );
  return { list, error, notice, run };
}
