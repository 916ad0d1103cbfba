import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServerError } from '../shared/errors';
import { openStream } from './api-client';

/** A server answering every request with `handler`; resolves to its URL. */
async function serve(handler: http.RequestListener): Promise<{ url: string; close: () => void }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

async function text(stream: AsyncIterable<Uint8Array>): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += Buffer.from(chunk).toString('utf8');
  return out;
}

describe('openStream', () => {
  it('hands over the body as it comes, with the token', async () => {
    const server = await serve((request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(`data: ${request.headers.authorization ?? 'none'}\n\n`);
    });
    try {
      expect(await text(await openStream(server.url, '/events', 't0ken'))).toBe('data: Bearer t0ken\n\n');
    } finally {
      server.close();
    }
  });

  it("refuses in the server's own words when it says no", async () => {
    const server = await serve((_request, response) => {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: 'no run r-1' } }));
    });
    try {
      await expect(openStream(server.url, '/api/v1/runs/r-1/events', undefined)).rejects.toThrow(
        new ServerError(`${server.url} answered 404 for /api/v1/runs/r-1/events: no run r-1`),
      );
    } finally {
      server.close();
    }
  });

  it('says it cannot reach a server that is not there', async () => {
    const server = await serve(() => undefined);
    server.close();
    const refused = openStream(server.url, '/events', undefined);
    await expect(refused).rejects.toBeInstanceOf(ServerError);
    await expect(refused).rejects.toThrow(`cannot reach ${server.url}`);
  });
});
