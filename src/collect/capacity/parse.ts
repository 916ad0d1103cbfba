/**
 * Pure parsers for the capacity facts: CPU lists (`0-3,6`), /proc/cpuinfo, /proc/meminfo.
 */

/**
 * Number of CPUs in a kernel CPU list such as /sys/devices/system/cpu/online (`0-3,6,8-11`;
 * empty means none). Undefined when the text is not a CPU list.
 */
export function countCpuList(text: string): number | undefined {
  const list = text.trim();
  if (list === '') return 0;
  let count = 0;
  for (const part of list.split(',')) {
    const dash = part.indexOf('-');
    const first = parseCpuNumber(dash === -1 ? part : part.slice(0, dash));
    const last = dash === -1 ? first : parseCpuNumber(part.slice(dash + 1));
    if (first === undefined || last === undefined || last < first) return undefined;
    count += last - first + 1;
  }
  return count;
}

function parseCpuNumber(text: string): number | undefined {
  return /^\d{1,6}$/.test(text) ? Number(text) : undefined;
}

/**
 * Number of `processor : N` stanzas in /proc/cpuinfo — the online CPUs on x86, arm64, ppc64le
 * and s390x alike (s390x prints `processor N: …` lines, also counted).
 */
export function countCpuinfoProcessors(text: string): number {
  let count = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('processor')) continue;
    const next = line.charCodeAt('processor'.length);
    // `processor\t: 0` (x86/arm) or `processor 0: …` (s390x); not `processors`, `processor_id`.
    if (next === 0x09 || next === 0x20 || next === 0x3a) count++;
  }
  return count;
}

/** MemTotal from /proc/meminfo in bytes (the kernel reports kB, meaning KiB); undefined when absent. */
export function memTotalBytes(meminfo: string): number | undefined {
  const match = /^MemTotal:[ \t]*(\d+)[ \t]*kB[ \t]*$/m.exec(meminfo);
  return match ? Number(match[1]) * 1024 : undefined;
}
