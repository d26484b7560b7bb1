import { startInstance, type TestInstance } from './instance.ts';
import { createUser, type TestUser } from './users.ts';
import { startLoadBalancer } from './load-balancer.ts';
import { usersInMongo } from './mongo.ts';

export type StoreKind = 'memory' | 'redis';
export const STORE_KINDS: StoreKind[] = ['memory', 'redis'];

export interface Deployment {
  /** The instance whose deps and clock the test uses; its url is the public one (the balancer's for two instances). */
  idp: TestInstance;
  /** How many instances answer (every request goes to the next one). */
  instances: number;
  close(): Promise<void>;
}

/**
 * `memory`: one instance with challenges, attempt counters, account sessions and the provider's
 * own models in process memory (the embedded default). `redis`: two instances sharing Redis (and
 * the user store) behind a round-robin balancer, so consecutive requests of one browser land on
 * different instances. Users stay in MongoDB when the run puts them there.
 */
export async function startDeployment(kind: StoreKind, overrides: Record<string, unknown> = {}): Promise<Deployment> {
  if (kind === 'memory') {
    const stores = { users: usersInMongo() ? 'mongo' : 'memory', state: 'memory', provider: 'memory' };
    const idp = await startInstance({ overrides: { ...overrides, stores } });
    return { idp, instances: 1, close: () => idp.close() };
  }
  const lb = await startLoadBalancer();
  const a = await startInstance({ overrides: { ...overrides, issuer: lb.url } });
  const b = await startInstance({ shareWith: a, overrides: { ...overrides, issuer: lb.url } });
  lb.setBackends([a.config.port, b.config.port]);
  return { idp: a, instances: 2, close: async () => { await lb.close(); await b.close(); await a.close(); } };
}

export interface DeployedSuite {
  idp: TestInstance;
  /** An admin with 2FA, for the admin actions a test needs. */
  admin: TestUser;
}

/**
 * One mocha describe per store kind, each with its deployment and an admin, started before its
 * tests and closed after. `env` is filled in by then: read it inside the tests.
 */
export function describeOnEachDeployment(title: string, overrides: Record<string, unknown>, body: (env: DeployedSuite) => void): void {
  for (const kind of STORE_KINDS) {
    describe(`${title} (${kind} stores)`, function () {
      this.timeout(60_000);
      let deployment: Deployment | undefined;
      const env = {} as DeployedSuite;
      before(async () => {
        deployment = await startDeployment(kind, overrides);
        env.idp = deployment.idp;
        env.admin = await createUser(env.idp.deps, { role: 'admin', enrolled: true });
      });
      after(async () => { await deployment?.close(); });
      body(env);
    });
  }
}
