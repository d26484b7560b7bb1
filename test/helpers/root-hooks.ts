import { dropCreatedDatabases } from './mongo.ts';

/** Loaded by .mocharc.json for every run: leave no test database behind on the MongoDB server. */
export const mochaHooks = {
  async afterAll() {
    await dropCreatedDatabases();
  },
};
