/**
 * The implementations every port contract suite runs against.
 * Memory always; MongoDB only when MONGODB_URI is set (`npm test` sets it to the FerretDB it
 * starts; a throw-away database per run, dropped afterwards). Without MONGODB_URI the MongoDB
 * block shows as PENDING with the reason, never green.
 */
import { randomBytes } from 'node:crypto';
import type mongoose from 'mongoose';
import type { AuditLog } from '../../src/ports/audit-log.ts';
import type { NotificationStore } from '../../src/ports/notification-store.ts';
import type { PolicyStore } from '../../src/ports/policy-store.ts';
import type { UserRepository } from '../../src/ports/user-repository.ts';
import { MemoryAuditLog } from '../../src/infra/memory/audit-log.ts';
import { MemoryNotificationStore } from '../../src/infra/memory/notification-store.ts';
import { MemoryPolicyStore } from '../../src/infra/memory/policy-store.ts';
import { MemoryUserRepository } from '../../src/infra/memory/user-repository.ts';
import { MemoryConsentStore } from '../../src/infra/memory/consent-store.ts';
import { MongoConsentStore, consentModel } from '../../src/infra/mongo/consent-store.ts';
import type { ConsentStore } from '../../src/ports/consent-store.ts';
import { connectMongo } from '../../src/infra/mongo/connection.ts';
import { ensureIndexes, getModels } from '../../src/infra/mongo/models.ts';
import { MongoAuditLog } from '../../src/infra/mongo/audit-log.ts';
import { MongoNotificationStore } from '../../src/infra/mongo/notification-store.ts';
import { MongoPolicyStore } from '../../src/infra/mongo/policy-store.ts';
import { MongoUserRepository } from '../../src/infra/mongo/user-repository.ts';

export interface Stores {
  users: UserRepository;
  policy: PolicyStore;
  notifications: NotificationStore;
  audit: AuditLog;
  consents: ConsentStore;
}

export interface StoreImplementation {
  name: string;
  /** When set, the implementation cannot run here; its block is shown as pending with this reason. */
  skipReason: string | null;
  open(): Promise<void>;
  /** Empty stores for one test. */
  fresh(): Promise<Stores>;
  close(): Promise<void>;
}

const memory: StoreImplementation = {
  name: 'memory',
  skipReason: null,
  async open() {},
  async fresh() {
    return {
      users: new MemoryUserRepository(),
      policy: new MemoryPolicyStore(),
      notifications: new MemoryNotificationStore(),
      audit: new MemoryAuditLog(),
      consents: new MemoryConsentStore(),
    };
  },
  async close() {},
};

function mongo(options: { socketTimeoutMS?: number }): StoreImplementation {
  const uri = process.env.MONGODB_URI;
  let root: mongoose.Connection | null = null;
  let db: mongoose.Connection | null = null;
  return {
    name: 'MongoDB',
    skipReason: uri ? null : `MONGODB_URI is not set (${process.env.MONGODB_SKIP_REASON ?? 'no MongoDB server on this machine'})`,
    async open() {
      if (!uri) throw new Error('MONGODB_URI is not set');
      root = await connectMongo(uri, options);
      const dbName = `idp_contract_${Date.now()}_${randomBytes(4).toString('hex')}`;
      db = root.useDb(dbName, { useCache: false });
      await ensureIndexes(db);
    },
    async fresh() {
      if (!db) throw new Error('MongoDB store not opened');
      const conn = db;
      const models = getModels(conn);
      await Promise.all([
        models.User.deleteMany({}).exec(),
        models.Policy.deleteMany({}).exec(),
        models.Notification.deleteMany({}).exec(),
        models.Audit.deleteMany({}).exec(),
        consentModel(conn).deleteMany({}).exec(),
      ]);
      return {
        users: new MongoUserRepository(conn),
        policy: new MongoPolicyStore(conn),
        notifications: new MongoNotificationStore(conn),
        audit: new MongoAuditLog(conn),
        consents: new MongoConsentStore(conn),
      };
    },
    async close() {
      try {
        if (db) await db.dropDatabase();
      } finally {
        if (root) await root.close();
        db = null;
        root = null;
      }
    },
  };
}

/** `socketTimeoutMS`: let slow operations finish (the scale suite measures them) instead of failing after 30 s. */
export function storeImplementations(options: { socketTimeoutMS?: number } = {}): StoreImplementation[] {
  return [memory, mongo(options)];
}

/**
 * Define `${port} on ${impl}` for every implementation. `suite` gets a getter for the stores
 * of the current test (fresh, empty stores before each test).
 */
export function describeEachImplementation(port: string, suite: (stores: () => Stores) => void): void {
  for (const impl of storeImplementations()) {
    const title = `${port} on ${impl.name}`;
    if (impl.skipReason) {
      describe(title, () => {
        // An `it` without a body is pending in mocha: visible as skipped, never green.
        it(`skipped: ${impl.skipReason}`);
      });
      continue;
    }
    describe(title, () => {
      let current: Stores | null = null;
      before(async () => {
        await impl.open();
      });
      after(async () => {
        await impl.close();
      });
      beforeEach(async () => {
        current = await impl.fresh();
      });
      suite(() => {
        if (!current) throw new Error('stores not initialised');
        return current;
      });
    });
  }
}
