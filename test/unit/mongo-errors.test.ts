import { expect } from 'chai';
import mongoose from 'mongoose';
import { connectMongo, isMongoUnavailable, mongoCall } from '../../src/infra/mongo/connection.ts';
import { StoreUnavailableError } from '../../src/domain/errors.ts';

/** Real driver error objects (no server needed): which ones mean "MongoDB is not answering". */
describe('MongoDB errors: unavailable (503) or a real answer', () => {
  const d = mongoose.mongo;
  const serverError = (code: number, codeName: string) => new d.MongoServerError({ ok: 0, code, codeName, errmsg: codeName });

  it('network, selection, timeout, closed and failover errors are "unavailable"', () => {
    const unavailable = [
      new d.MongoNetworkError('connection reset'),
      new d.MongoNetworkTimeoutError('socket timeout'),
      new d.MongoNotConnectedError('not connected'),
      new d.MongoTopologyClosedError(),
      new d.MongoOperationTimeoutError('timed out'),
      new d.MongoClientClosedError(),
      serverError(10107, 'NotWritablePrimary'),
      serverError(189, 'PrimarySteppedDown'),
      serverError(91, 'ShutdownInProgress'),
      serverError(11602, 'InterruptedDueToReplStateChange'),
      new mongoose.Error('Operation `users.findOne()` buffering timed out after 10000ms'),
    ];
    for (const err of unavailable) expect(isMongoUnavailable(err), `${err.name} ${err.message}`).to.equal(true);
  });

  it('answers such as a duplicate key, a bad query or a parse error are not', () => {
    for (const err of [serverError(11000, 'DuplicateKey'), serverError(2, 'BadValue'), new d.MongoParseError('bad uri'), new Error('boom')]) {
      expect(isMongoUnavailable(err), `${err.name} ${err.message}`).to.equal(false);
    }
  });

  it('mongoCall turns "unavailable" into StoreUnavailableError and lets the rest through', async () => {
    const down = await mongoCall(() => Promise.reject(serverError(10107, 'NotWritablePrimary'))).catch((e: unknown) => e);
    expect(down).to.be.instanceOf(StoreUnavailableError);
    const dup = await mongoCall(() => Promise.reject(serverError(11000, 'DuplicateKey'))).catch((e: unknown) => e);
    expect(dup).to.not.be.instanceOf(StoreUnavailableError);
  });

  it('a server that does not answer at start is "unavailable" and leaves no connection behind', async function () {
    this.timeout(15_000);
    const before = mongoose.connections.length;
    const err = await connectMongo('mongodb://127.0.0.1:1/idp', { serverSelectionTimeoutMS: 300 }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(StoreUnavailableError);
    expect(mongoose.connections.length).to.equal(before);
  });
});
