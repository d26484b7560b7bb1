// Loaded by `npm run mutate` only (NODE_OPTIONS --require): Stryker's mocha runner requires mocha's
// CLI helpers without a file extension, and mocha 12 ships them as .cjs files. Let require() try
// .cjs the way it tries .js.
const Module = require('node:module');
if (!Module._extensions['.cjs']) Module._extensions['.cjs'] = Module._extensions['.js'];
