// A gateway on a real socket (127.0.0.1, a free port), for what yoga.fetch cannot show: reason
// phrases, compression, browsers, HTTP clients.
import { createServer, type Server } from 'node:http';
import type { Gateway } from '../../src/server/gateway.js';

export interface LoopbackServer {
  server: Server;
  port: number;
  /** http://127.0.0.1:<port> */
  origin: string;
  close: () => Promise<void>;
}

export async function serveOnLoopback(gateway: Gateway): Promise<LoopbackServer> {
  const server = createServer(gateway);
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    server,
    port,
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((closed) => server.close(() => closed())),
  };
}
