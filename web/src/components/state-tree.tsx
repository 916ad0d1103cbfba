/**
 * The raw state, browsable and searchable: one collapsible `<details>` per category and per key,
 * children drawn only once opened (a node has thousands of packages), and a filter box that
 * narrows the tree to the keys and values containing its text, opened, with the count of matches.
 */
import { useMemo, useState } from 'preact/hooks';
import type { NodeState } from '../../../src/model/state';
import { CATEGORIES } from '../../../src/model/state';
import type { Json } from '../state-search';
import { countLeaves, entries, isBranch, leafText, narrow } from '../state-search';
import { plural } from '../format';

function Leaf({ name, value }: { name: string; value: Json }) {
  return (
    <li class="leaf" data-key={name}>
      <span class="key">{name}</span>: <code class="value">{leafText(value)}</code>
    </li>
  );
}

function Branch({
  name,
  value,
  open,
}: {
  name: string;
  value: Json[] | { [key: string]: Json };
  open: boolean;
}) {
  const [isOpen, setOpen] = useState(open);
  const children = entries(value);
  return (
    <li class="branch" data-key={name}>
      <details open={isOpen} onToggle={(event) => setOpen((event.currentTarget as HTMLDetailsElement).open)}>
        <summary>
          <span class="key">{name}</span>{' '}
          <span class="muted">{Array.isArray(value) ? `[${children.length}]` : `{${children.length}}`}</span>
        </summary>
        {isOpen && <Entries items={children} open={open} />}
      </details>
    </li>
  );
}

function Entries({ items, open }: { items: [string, Json][]; open: boolean }) {
  return (
    <ul class="tree">
      {items.map(([key, child]) =>
        isBranch(child) && entries(child).length > 0 ? (
          <Branch key={key} name={key} value={child} open={open} />
        ) : (
          <Leaf key={key} name={key} value={child} />
        ),
      )}
    </ul>
  );
}

/** The categories of a state, without the envelope (schema, node, hashes). */
function categoriesOf(state: NodeState): { [key: string]: Json } {
  const values: { [key: string]: Json } = {};
  for (const category of CATEGORIES) {
    const value = state[category];
    if (value !== undefined) values[category] = value as unknown as Json;
  }
  return values;
}

export function StateTree({ state }: { state: NodeState }) {
  const [search, setSearch] = useState('');
  const all = useMemo(() => categoriesOf(state), [state]);
  const total = useMemo(() => countLeaves(all), [all]);
  const narrowed = useMemo(() => (search.trim() ? narrow(all, search) : undefined), [all, search]);
  const tree = narrowed ? narrowed.tree : all;
  return (
    <div class="state-tree">
      <div class="filters" role="search">
        <label>
          Filter keys and values{' '}
          <input
            type="search"
            value={search}
            placeholder="e.g. kernel.panic"
            onInput={(event) => setSearch((event.target as HTMLInputElement).value)}
          />
        </label>
        <span class="muted" aria-live="polite" data-matches={narrowed ? narrowed.matches : total}>
          {narrowed
            ? `${narrowed.matches} ${narrowed.matches === 1 ? 'match' : 'matches'}${narrowed.shown < narrowed.matches ? ` (first ${narrowed.shown} shown)` : ''}`
            : `${plural(total, 'value')}`}
        </span>
      </div>
      {tree && isBranch(tree) ? (
        // Keyed by the search: a new search opens what it found, clearing it closes everything again.
        <Entries key={search.trim()} items={entries(tree)} open={narrowed !== undefined} />
      ) : (
        <p class="muted">Nothing matches.</p>
      )}
    </div>
  );
}
