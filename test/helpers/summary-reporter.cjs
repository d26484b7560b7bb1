// Mocha's spec reporter plus one plain closing line CI reads: "N passed, N failed, N skipped".
const Mocha = require('mocha');

class SummaryReporter extends Mocha.reporters.Spec {
  epilogue() {
    super.epilogue();
    const s = this.stats;
    const extra = Number(process.env.EXTRA_FAILURES || 0);
    console.log(`${s.passes} passed, ${s.failures + extra} failed, ${s.pending} skipped`);
  }
}

module.exports = SummaryReporter;
