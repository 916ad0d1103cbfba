/**
 * Whether the page is being printed, so collapsed parts can open for paper: CSS alone cannot open
 * a closed <details>. Both signals count — `beforeprint` (the browser's print dialog) and the
 * `print` media query (print previews and headless PDF rendering, which may send only one).
 */
import { useEffect, useState } from 'preact/hooks';

export function usePrinting(): boolean {
  const [printing, setPrinting] = useState(() => matchMedia('print').matches);
  useEffect(() => {
    const query = matchMedia('print');
    const fromQuery = () => setPrinting(query.matches);
    const before = () => setPrinting(true);
    const after = () => setPrinting(query.matches);
    query.addEventListener('change', fromQuery);
    addEventListener('beforeprint', before);
    addEventListener('afterprint', after);
    return () => {
      query.removeEventListener('change', fromQuery);
      removeEventListener('beforeprint', before);
      removeEventListener('afterprint', after);
    };
  }, []);
  return printing;
}
