import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectionDrain } from '../../src/http/drain.ts';
import { keepAliveAgent, send, type Outcome } from '../helpers/keep-alive-client.ts';

/** A server whose /slow responses wait until the test releases them (no timing involved). */
async function heldServer() {
  const held: Array<() => void> = [];
  let arrived: (() => void) | null = null;
  const server = http.createServer((req, res) => {
    if (req.url === '/slow') {
      held.push(() => res.end('done'));
      arrived?.();
      return;
    }
    if (req.url === '/never') { arrived?.(); return; }
    res.end('quick');
  });
  const drain = new ConnectionDrain(server, { idleMs: 20 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const arrivals = async (n: number, start: () => Promise<Outcome>[]) => {
    let count = 0;
    const all = new Promise<void>((r) => { arrived = () => { if (++count === n) r(); }; });
    const outcomes = start();
    await all;
    return outcomes;
  };
  return { server, drain, url, held, arrivals };
}

describe('integration: connection drain (in process)', () => {
  it('requests under way on kept-alive connections finish with Connection: close; idle ones close; nothing is cut', async () => {
    const { server, drain, url, held, arrivals } = await heldServer();
    const agents = [keepAliveAgent(), keepAliveAgent(), keepAliveAgent()];
    const idleAgent = keepAliveAgent();
    // Every connection has served one request already: they are kept alive.
    for (const a of [...agents, idleAgent]) {
      const first = await send(a, `${url}/quick`);
      expect(first.kind).to.equal('answered');
      if (first.kind === 'answered') expect(first.answer.headers.connection).to.equal('keep-alive');
    }
    const busy = await arrivals(3, () => agents.map((a) => send(a, `${url}/slow`)));
    expect(drain.inFlight()).to.equal(3);

    const closing = drain.close(60_000);
    held.splice(0).forEach((release) => release());
    const outcomes = await Promise.all(busy);
    for (const o of outcomes) {
      expect(o.kind).to.equal('answered');
      if (o.kind === 'answered') {
        expect(o.answer.socketReused).to.equal(true);
        expect(o.answer.headers.connection).to.equal('close');
      }
    }
    const result = await closing; // the idle connection closed too, or this would never resolve
    expect(result).to.deep.equal({ cut: 0, forced: false, connectionsAtStart: 4 });
    expect(server.listening).to.equal(false);
    expect((await send(keepAliveAgent(), `${url}/quick`)).kind).to.equal('refused');
  });

  it('a request under way when the drain starts is answered with Connection: close', async () => {
    const { drain, url, held, arrivals } = await heldServer();
    const agent = keepAliveAgent();
    const [pending] = await arrivals(1, () => [send(agent, `${url}/slow`)]);
    drain.start();
    held.splice(0).forEach((release) => release());
    const o = await pending!;
    expect(o.kind).to.equal('answered');
    if (o.kind === 'answered') expect(o.answer.headers.connection).to.equal('close'); // headers were not out yet
    expect(await drain.close(60_000)).to.include({ cut: 0, forced: false });
  });

  it('the forced close is the last resort: it counts the requests it cut', async () => {
    const { drain, url, arrivals } = await heldServer();
    const [stuck] = await arrivals(1, () => [send(keepAliveAgent(), `${url}/never`)]);
    const result = await drain.close(50);
    expect(result).to.include({ cut: 1, forced: true });
    expect((await stuck!).kind).to.equal('cut');
  });
});
