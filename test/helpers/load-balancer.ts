import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoadBalancer {
  url: string;
  port: number;
  /** Requests each backend served, by backend port. */
  served: Map<number, number>;
  setBackends(ports: number[]): void;
  close(): Promise<void>;
}

/** A round-robin HTTP proxy: every request goes to the next backend, like a load balancer without stickiness. */
export async function startLoadBalancer(port = 0): Promise<LoadBalancer> {
  let backends: number[] = [];
  let next = 0;
  const served = new Map<number, number>();
  const server = http.createServer((req, res) => {
    const target = backends[next++ % backends.length]!;
    served.set(target, (served.get(target) ?? 0) + 1);
    const upstream = http.request({ host: '127.0.0.1', port: target, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    upstream.on('error', () => { res.statusCode = 502; res.end('bad gateway'); });
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`, port: actual, served,
    setBackends(ports) { backends = ports; },
    close: () => new Promise((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
}
