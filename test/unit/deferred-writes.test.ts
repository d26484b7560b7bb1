import { expect } from 'chai';
import type { Context } from 'koa';
import { collectDeferredWrites, deferWrite } from '../../src/infra/deferred-writes.ts';
import { deferredWrites } from '../../src/http/deferred-writes.ts';

/** A write that resolves or rejects when the test says so. */
function pendingWrite() {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

function fakeContext() {
  const headers = new Map<string, string>([['Location', '/somewhere'], ['Set-Cookie', 'a=b']]);
  return { headers, ctx: { remove: (h: string) => headers.delete(h) } as unknown as Context };
}

describe('unit: deferred writes', () => {
  it('outside a request a deferred write is awaited, and its failure is the caller\'s', async () => {
    const w = pendingWrite();
    let done = false;
    const waiting = deferWrite(w.promise).then(() => { done = true; });
    await Promise.resolve();
    expect(done).to.equal(false);
    w.resolve();
    await waiting;
    expect(done).to.equal(true);
    const failing = pendingWrite();
    const refused = deferWrite(failing.promise);
    failing.reject(new Error('store down'));
    await refused.then(() => expect.fail('should reject'), (e: Error) => expect(e.message).to.equal('store down'));
  });

  it('inside a request it returns at once and the response waits for every write, also writes deferred meanwhile', async () => {
    const first = pendingWrite();
    const second = pendingWrite();
    const { ctx, headers } = fakeContext();
    let handlerDone = false;
    let answered = false;
    const answering = deferredWrites(ctx, async () => {
      await deferWrite(first.promise);
      handlerDone = true;
      void first.promise.then(() => deferWrite(second.promise)); // deferred while the flush waits
    }).then(() => { answered = true; });
    await new Promise((r) => setImmediate(r));
    expect(handlerDone).to.equal(true);
    expect(answered).to.equal(false);
    first.resolve();
    await new Promise((r) => setImmediate(r));
    expect(answered).to.equal(false);
    second.resolve();
    await answering;
    expect(answered).to.equal(true);
    expect(headers.has('Location')).to.equal(true);
  });

  it('a failed write fails the request and takes back its redirect and cookies', async () => {
    const w = pendingWrite();
    const { ctx, headers } = fakeContext();
    const answering = deferredWrites(ctx, async () => { await deferWrite(w.promise); });
    w.reject(new Error('store down'));
    await answering.then(() => expect.fail('should reject'), (e: Error) => expect(e.message).to.equal('store down'));
    expect(headers.has('Location')).to.equal(false);
    expect(headers.has('Set-Cookie')).to.equal(false);
  });

  it('a scope collects only its own writes', async () => {
    const mine = { writes: [] as Array<Promise<unknown>>, closed: false };
    const other = { writes: [] as Array<Promise<unknown>>, closed: false };
    await Promise.all([
      collectDeferredWrites(mine, async () => { await deferWrite(Promise.resolve(1)); }),
      collectDeferredWrites(other, async () => { await deferWrite(Promise.resolve(2)); await deferWrite(Promise.resolve(3)); }),
    ]);
    expect(mine.writes).to.have.length(1);
    expect(other.writes).to.have.length(2);
  });

  it('a request that fails by itself is answered once its writes have settled; a write deferred after the flush is awaited', async () => {
    const w = pendingWrite();
    const { ctx } = fakeContext();
    let settled = false;
    const answering = deferredWrites(ctx, async () => {
      await deferWrite(w.promise);
      throw new Error('the route failed');
    }).catch((e: Error) => { settled = true; return e.message; });
    await new Promise((r) => setImmediate(r));
    expect(settled).to.equal(false);
    w.reject(new Error('store down too'));
    expect(await answering).to.equal('the route failed');
    let late: Promise<void> | null = null;
    const late1 = pendingWrite();
    await deferredWrites(ctx, async () => { setImmediate(() => { late = deferWrite(late1.promise); }); });
    await new Promise((r) => setImmediate(r));
    let lateDone = false;
    void late!.then(() => { lateDone = true; });
    await Promise.resolve();
    expect(lateDone).to.equal(false); // awaited directly: resolves only with the write
    late1.resolve();
    await late!;
    expect(lateDone).to.equal(true);
  });
});
