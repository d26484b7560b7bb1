// Mutation testing (`npm run mutate`): StrykerJS with its mocha runner over the security code,
// run by hand, never in CI (it takes a while). Needs Redis like `npm test` (REDIS_URL or
// 127.0.0.1:6379). The score and the survivors are discussed in docs/security.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'mocha',
  // TypeScript runs through tsx, as in `npm test`; Stryker instruments the .ts sources itself.
  testRunnerNodeArgs: ['--import', 'tsx'],
  mochaOptions: {
    spec: [
      'test/unit/**/*.test.ts',
      'test/security/*.test.ts',
      'test/integration/*.test.ts',
    ],
    // Suites that start other processes (npm, tsx, Chromium) cannot see the mutant: left out.
    ignore: [
      'test/security/production-boot.test.ts',
      'test/integration/embedded-default.test.ts',
      'test/integration/supported-runtime.test.ts',
    ],
    require: ['test/helpers/root-hooks.ts'],
  },
  mutate: [
    'src/domain/**/*.ts',
    'src/auth/**/*.ts',
    // the guards: what the interaction steps, the account area and the admin pages ask first
    'src/interaction/context.ts',
    'src/interaction/finish.ts',
    'src/account/session.ts',
    'src/admin/guard.ts',
  ],
  // Stryker rewrites tsconfig.json's extends/references for its sandbox through the TypeScript JS
  // API, which TypeScript 7 (native) no longer has; this tsconfig has neither: point it at no file.
  tsconfigFile: 'no-tsconfig-to-rewrite.json',
  coverageAnalysis: 'perTest',
  ignoreStatic: true,
  concurrency: 2, // one test process per core of a two-core machine; raise it on bigger ones
  timeoutMS: 20000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 80, break: null },
};
