import http from 'node:http';

export interface Answer { status: number; headers: http.IncomingHttpHeaders; body: string; socketReused: boolean }

/** How a request ended: answered, refused at connect (nothing was sent), or cut after it was sent. */
export type Outcome = { kind: 'answered'; answer: Answer } | { kind: 'refused' } | { kind: 'cut'; error: string };

/**
 * One HTTP/1.1 request on a keep-alive agent (node:http, so the Connection header and the socket
 * errors are visible as they are, which fetch hides).
 */
export function send(agent: http.Agent, url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = http.request(url, { agent, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ kind: 'answered', answer: { status: res.statusCode!, headers: res.headers, body, socketReused: req.reusedSocket } }));
      res.on('error', (err) => resolve({ kind: 'cut', error: err.message }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED' ? { kind: 'refused' } : { kind: 'cut', error: `${err.code ?? ''} ${err.message}` }));
    req.end(init.body);
  });
}

export function keepAliveAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: 1 });
}
