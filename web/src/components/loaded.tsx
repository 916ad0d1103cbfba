/** A resource's content once it has loaded; "Loading…" before, the error if the read failed. */
import type { ComponentChildren } from 'preact';
import { ErrorBox, Loading } from './common';

export function Loaded<T>({
  resource,
  children,
}: {
  resource: { data?: T; error?: Error };
  children: (data: T) => ComponentChildren;
}) {
  // The last good data stays shown while a reload fails; the error is said above it.
  if (resource.data === undefined) return resource.error ? <ErrorBox error={resource.error} /> : <Loading />;
  return (
    <>
      {resource.error && <ErrorBox error={resource.error} />}
      {children(resource.data)}
    </>
  );
}
