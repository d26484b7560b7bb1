// Mocha's spec reporter plus one plain closing line CI reads: "N passed, N failed, N skipped".
// When SUMMARY_FILE is set (scripts/test.mjs), the counts are also written there so the runner
// can print the line last, after everything else, and count a crash that never reached here.
const fs = require('node:fs');
const Mocha = require('mocha');

class SummaryReporter extends Mocha.reporters.Spec {
  epilogue() {
    super.epilogue();
    const s = this.stats;
    const counts = { passed: s.passes, failed: s.failures, skipped: s.pending };
    if (process.env.SUMMARY_FILE) fs.writeFileSync(process.env.SUMMARY_FILE, JSON.stringify(counts));
    else console.log(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  }
}

module.exports = SummaryReporter;
