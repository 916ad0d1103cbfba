/**
 * The agent's log. `createAgentLogger` writes to file descriptor 2: most cases run the real
 * log.ts (compiled by TypeScript on the fly) in a child node process and read what reached its
 * stderr and stdout; one catches, in this process, each write(2) it makes as it makes it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import * as path from 'node:path';
import { createAgentLogger, LOG_LEVELS, silentLog } from './log';

/** Runs `body` in a child where `createAgentLogger` is the real one; returns its stdout and stderr. */
function runWithLogger(body: string): { status: number | null; stdout: string; stderr: string } {
  const source = path.join(__dirname, 'log.ts');
  const program = `
    const fs = require('node:fs');
    const Module = require('node:module');
    const ts = require('typescript');
    const source = ${JSON.stringify(source)};
    const js = ts.transpileModule(fs.readFileSync(source, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    const m = new Module(source, module);
    m.filename = source;
    m.paths = Module._nodeModulePaths(require('node:path').dirname(source));
    m._compile(js, source);
    const { createAgentLogger } = m.exports;
    ${body}
  `;
  const run = spawnSync(process.execPath, ['-e', program], {
    cwd: path.join(__dirname, '..'),
    encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const lines = (text: string) =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('createAgentLogger', () => {
  it('writes one JSON line per event on stderr, marked as the agent, nothing on stdout', () => {
    const run = runWithLogger(`
      const log = createAgentLogger('info');
      log.info({ run: 'r1', waiting: 2 }, 'agent started');
      log.warn({ attempt: 3 }, 'cannot deliver');
      log.error({ err: 'x' }, 'collection failed');
    `);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    const written = lines(run.stderr);
    // `base` replaces pino's pid and hostname: the journal has them already.
    expect(written.map(({ time, ...rest }) => [typeof time, rest])).toEqual([
      ['number', { level: 30, component: 'agent', run: 'r1', waiting: 2, msg: 'agent started' }],
      ['number', { level: 40, component: 'agent', attempt: 3, msg: 'cannot deliver' }],
      ['number', { level: 50, component: 'agent', err: 'x', msg: 'collection failed' }],
    ]);
  });

  it('leaves out the levels below the one asked for', () => {
    const run = runWithLogger(`
      const log = createAgentLogger('warn');
      log.debug({}, 'd'); log.info({}, 'i'); log.warn({}, 'w'); log.error({}, 'e');
    `);
    expect(lines(run.stderr).map((line) => line.msg)).toEqual(['w', 'e']);
  });

  it('writes debug lines at the debug level, and nothing at all when silent', () => {
    const debug = runWithLogger(`createAgentLogger('debug').debug({ a: 1 }, 'd');`);
    expect(lines(debug.stderr).map((line) => [line.level, line.msg, line.a])).toEqual([[20, 'd', 1]]);
    const silent = runWithLogger(`createAgentLogger('silent').error({}, 'e');`);
    expect(silent.stderr).toBe('');
  });

  it('has written a line before the process exits at once (synchronous writes)', () => {
    const run = runWithLogger(`
      createAgentLogger('info').error({ code: 'E_USAGE' }, 'refused to start');
      process.exit(3);
    `);
    expect(run.status).toBe(3);
    expect(lines(run.stderr).map((line) => line.msg)).toEqual(['refused to start']);
  });

  it('has written a line even when the process dies at once after it, with no chance to flush', () => {
    const run = runWithLogger(`
      createAgentLogger('info').info({}, 'last words');
      process.kill(process.pid, 'SIGKILL');
    `);
    expect(lines(run.stderr).map((line) => line.msg)).toEqual(['last words']);
  });
});

describe('createAgentLogger, in this process', () => {
  /** Each fs.writeSync call, with its file descriptor and text, in place of the write itself. */
  function catchWrites(): { writes: { fd: number; text: string }[]; restore: () => void } {
    const writes: { fd: number; text: string }[] = [];
    const spy = jest.spyOn(fs, 'writeSync').mockImplementation(((fd: number, data: unknown) => {
      const text = String(data);
      writes.push({ fd, text });
      return Buffer.byteLength(text);
    }) as typeof fs.writeSync);
    return { writes, restore: () => spy.mockRestore() };
  }
  const parsed = (writes: { fd: number; text: string }[]) =>
    writes.map(({ fd, text }) => {
      const { time, ...rest } = JSON.parse(text) as Record<string, unknown>;
      return [fd, typeof time, rest];
    });

  it('has written each line to file descriptor 2 before the call returns, at the level asked for', () => {
    const caught = catchWrites();
    let afterInfo: unknown[];
    try {
      const log = createAgentLogger('debug');
      log.info({ run: 'r1', waiting: 2 }, 'agent started');
      afterInfo = parsed(caught.writes);
      log.debug({ a: 1 }, 'd');
      createAgentLogger('warn').info({}, 'below warn');
    } finally {
      caught.restore();
    }
    expect(afterInfo).toEqual([
      [2, 'number', { level: 30, component: 'agent', run: 'r1', waiting: 2, msg: 'agent started' }],
    ]);
    expect(parsed(caught.writes)).toEqual([
      [2, 'number', { level: 30, component: 'agent', run: 'r1', waiting: 2, msg: 'agent started' }],
      [2, 'number', { level: 20, component: 'agent', a: 1, msg: 'd' }],
    ]);
  });
});

describe('the log levels and the silent log', () => {
  it('offers pino’s levels, most severe first, and silent', () => {
    expect(LOG_LEVELS).toEqual(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
  });

  it('silentLog takes every level and writes nothing', () => {
    const write = jest.spyOn(process.stderr, 'write');
    const out = jest.spyOn(process.stdout, 'write');
    try {
      silentLog.debug({ a: 1 }, 'd');
      silentLog.info({ a: 1 }, 'i');
      silentLog.warn({ a: 1 }, 'w');
      silentLog.error({ a: 1 }, 'e');
      expect(write).not.toHaveBeenCalled();
      expect(out).not.toHaveBeenCalled();
    } finally {
      write.mockRestore();
      out.mockRestore();
    }
  });
});
