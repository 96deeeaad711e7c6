import { useEffect, useState } from 'preact/hooks';
import { type Store } from './store';

/** Re-renders the calling component whenever the store changes. */
export function useStore(store: Store): Store {
  const [, setVersion] = useState(0);
  useEffect(() => store.subscribe(() => setVersion((v) => v + 1)), [store]);
  return store;
}
