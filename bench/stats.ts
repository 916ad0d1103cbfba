/** Small statistics and argument helpers shared by the benchmarks. */

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export function summarize(samples: readonly number[]): {
  min: number;
  median: number;
  p90: number;
  max: number;
} {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    min: sorted[0] ?? NaN,
    median: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

/** `--runs 20 --root / --probe` → Map { runs → 20, root → /, probe → true } (a flag: no value follows). */
export function benchArgs(args: readonly string[]): Map<string, string> {
  const parsed = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) continue;
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--')) parsed.set(arg.slice(2), 'true');
    else {
      parsed.set(arg.slice(2), value);
      i++;
    }
  }
  return parsed;
}

export function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}
