/**
 * A component that renders again only when one of its props changed (by identity): the fleet's
 * rows. Written on Preact's own Component rather than importing `memo` from preact/compat, whose
 * React-compatibility hooks run on every element of every page.
 */
import { Component } from 'preact';
import type { ComponentChildren } from 'preact';

export function pure<P extends object>(render: (props: P) => ComponentChildren) {
  return class Pure extends Component<P> {
    override shouldComponentUpdate(next: P): boolean {
      const keys = new Set([...Object.keys(this.props), ...Object.keys(next)]);
      for (const key of keys)
        if ((this.props as Record<string, unknown>)[key] !== (next as Record<string, unknown>)[key])
          return true;
      return false;
    }

    override render(props: P): ComponentChildren {
      return render(props);
    }
  };
}
