/**
 * A native <details> (keyboard and screen readers know it) that remembers whether the reader
 * opened it, and is open whenever the page is printed: paper has no "click to expand".
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { usePrinting } from '../print';

export function Disclosure({
  summary,
  initiallyOpen = false,
  children,
  ...attributes
}: {
  summary: ComponentChildren;
  initiallyOpen?: boolean;
  children: ComponentChildren;
  class?: string;
  [data: `data-${string}`]: string | undefined;
}) {
  const [open, setOpen] = useState(initiallyOpen);
  const printing = usePrinting();
  return (
    <details
      {...attributes}
      open={open || printing}
      onToggle={(event) => {
        // Opened for printing is not opened by the reader.
        if (!printing) setOpen((event.currentTarget as HTMLDetailsElement).open);
      }}
    >
      <summary>{summary}</summary>
      {children}
    </details>
  );
}
