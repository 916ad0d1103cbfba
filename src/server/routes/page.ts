import type { FastifyPluginAsync } from 'fastify';
import { listNodes, listPairs, timed } from '../../app/queries';
import { formatDuration } from '../../shared/format';
import type { ServerDeps } from '../app';
import type { Metrics } from '../metrics';
import { NO_QUERY } from './schemas';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] as string);
}

/** The plain page at / (until the dashboard replaces it), /metrics and /healthz. */
export function pageRoutes(deps: ServerDeps, metrics: Metrics): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/healthz',
      {
        config: { access: 'public' },
        schema: { summary: 'Liveness', tags: ['server'], querystring: NO_QUERY },
      },
      async () => ({ ok: true }),
    );

    app.get(
      '/metrics',
      {
        config: { access: 'read' },
        schema: { summary: 'Prometheus metrics', tags: ['server'], querystring: NO_QUERY },
      },
      async (_request, reply) =>
        reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    );

    app.get(
      '/',
      { config: { access: 'read' }, schema: { hide: true, querystring: NO_QUERY } },
      async (_request, reply) => {
        const desired = deps.desired.desired;
        const nodes = listNodes(deps.store, desired, deps.now());
        const pairs = listPairs(deps.store, desired);
        const status = deps.desired.statusReport;
        const rows = nodes.map((node) => {
          const drift = deps.store.findings.open(`node:${node.name}`, 'drift').map(timed);
          const list = drift
            .map(
              (f) =>
                `<li class="${f.severity}">${escapeHtml(f.message)} <small>since ${escapeHtml(f.firstSeen)}</small></li>`,
            )
            .join('');
          return `<tr><td><b>${escapeHtml(node.name)}</b>${node.declared ? '' : ' <small>(not declared)</small>'}<br><small>${escapeHtml(node.roles.join(', '))}</small></td>
          <td>${escapeHtml(node.reportAgeSeconds === undefined ? 'never' : `${formatDuration(node.reportAgeSeconds * 1000)} ago`)}</td><td>${node.drift.error} errors, ${node.drift.warning} warnings<ul>${list}</ul></td></tr>`;
        });
        const pairRows = pairs.map((pair) => {
          const findings = deps.store.findings.open(`pair:${pair.name}`, 'parity').map(timed);
          const list = findings
            .map((f) => `<li class="${f.severity}">${escapeHtml(f.message)}</li>`)
            .join('');
          const ready = deps.store.readiness.latest(pair.name);
          const verdict = ready
            ? `<br><b class="${ready.verdict === 'GO' ? 'go' : 'error'}">${ready.verdict}</b> <small>${escapeHtml(ready.failing.join(', ') || 'every check passes')} · since ${escapeHtml(ready.evaluatedAt)}</small>`
            : '';
          return `<tr><td><b>${escapeHtml(pair.name)}</b><br><small>${escapeHtml(pair.primary)} → ${escapeHtml(pair.secondary)}</small>${verdict}</td>
          <td>${pair.evaluated ? `${pair.parity.error} differences` : 'waiting for both nodes to report'}<ul>${list}</ul></td></tr>`;
        });
        const desiredLine = status.rejected
          ? `<p class="error">The last edit of ${escapeHtml(status.dir)} was refused (${escapeHtml(status.rejected.error.message)}); the previous desired state keeps running.</p>`
          : `<p>Desired state: ${escapeHtml(status.dir)}${status.loaded ? `, loaded ${escapeHtml(status.loaded.loadedAt)}` : ' — not loaded'}</p>`;
        const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>driftguard</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;width:100%;margin-bottom:2em}td,th{border-bottom:1px solid #ddd;padding:.5em;vertical-align:top;text-align:left}li.error{color:#a00}li.warning{color:#a60}li.info{color:#666}.error{color:#a00}.go{color:#070}</style></head>
<body><h1>driftguard</h1>${desiredLine}
<h2>Pairs</h2><table><tr><th>pair</th><th>parity</th></tr>${pairRows.join('')}</table>
<h2>Nodes</h2><table><tr><th>node</th><th>last report</th><th>drift</th></tr>${rows.join('')}</table>
<p><small>API: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> · <a href="/metrics">/metrics</a></small></p></body></html>`;
        return reply.type('text/html; charset=utf-8').send(html);
      },
    );
  };
}
