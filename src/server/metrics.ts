/**
 * /metrics in Prometheus' text format: open findings per node/pair, category and severity, how
 * old each node's last report is, and ingest counters. Gauges are computed when scraped, from
 * the store, so they are never stale.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Store } from '../store';

export class Metrics {
  readonly registry = new Registry();
  readonly reports: Counter<'kind' | 'outcome'>;
  readonly ingestSeconds: Histogram<'kind'>;

  constructor(store: Store, now: () => Date) {
    this.reports = new Counter({
      name: 'driftguard_reports_total',
      help: 'Reports received, by kind (full, delta, heartbeat) and outcome (stored, duplicate, refused)',
      labelNames: ['kind', 'outcome'],
      registers: [this.registry],
    });
    this.ingestSeconds = new Histogram({
      name: 'driftguard_ingest_seconds',
      help: 'Time to validate and store one report',
      labelNames: ['kind'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [this.registry],
    });
    new Gauge({
      name: 'driftguard_findings_open',
      help: 'Open findings: drift of a node or parity of a pair, by category and severity',
      labelNames: ['scope', 'name', 'source', 'category', 'severity'],
      registers: [this.registry],
      // Asynchronous collects are awaited by prom-client before it renders the metrics.
      async collect() {
        const rows = await store.findings.openCounts();
        this.reset();
        for (const row of rows) {
          const [scope, name] = splitScope(row.scope);
          this.set(
            { scope, name, source: row.source, category: row.category, severity: row.severity },
            row.count,
          );
        }
      },
    });
    new Gauge({
      name: 'driftguard_node_report_age_seconds',
      help: 'Seconds since the last report (heartbeats included) of each node',
      labelNames: ['node'],
      registers: [this.registry],
      async collect() {
        const nodes = await store.states.nodes();
        this.reset();
        const at = now().getTime();
        for (const node of nodes) this.set({ node: node.name }, (at - Date.parse(node.lastSeen)) / 1000);
      },
    });
    readinessGauges(this.registry, store);
  }
}

function readinessGauges(registry: Registry, store: Store): void {
  new Gauge({
    name: 'driftguard_pair_ready',
    help: 'Readiness of each pair at its last evaluation: 1 GO, 0 NO-GO',
    labelNames: ['pair'],
    registers: [registry],
    async collect() {
      const records = await store.readiness.latestPerPair();
      this.reset();
      for (const record of records) this.set({ pair: record.pair }, record.verdict === 'GO' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'driftguard_pair_failing_checks',
    help: 'Readiness checks failing for each pair at its last evaluation',
    labelNames: ['pair'],
    registers: [registry],
    async collect() {
      const records = await store.readiness.latestPerPair();
      this.reset();
      for (const record of records) this.set({ pair: record.pair }, record.failing.length);
    },
  });
}

function splitScope(scope: string): [string, string] {
  const colon = scope.indexOf(':');
  return [scope.slice(0, colon), scope.slice(colon + 1)];
}
