/**
 * A time still to come ("in 58 min"), such as a plan's expiry: `Time` says how long ago, and
 * shows any future instant as "0 s ago".
 */
import { ago, duration, serverNow, utc } from '../format';
import { useNow } from '../hooks';

export function Until({ at, label }: { at: string; label: string }) {
  useNow();
  const seconds = Math.round((Date.parse(at) - serverNow()) / 1000);
  return (
    <time dateTime={at} title={`${label}: ${utc(at)}`}>
      {seconds > 0 ? `in ${duration(seconds)}` : ago(at)}
    </time>
  );
}
