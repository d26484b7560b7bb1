import { expect } from 'chai';
import { auditDetails } from '../../src/admin/audit-text.ts';

describe('audit log details as people read them', () => {
  it('labels known keys, formats instants and booleans, drops empty values', () => {
    expect(auditDetails({ mandatoryBefore: false, mandatory: true, graceDays: 14, deadlinesSet: 3, via: 'cli:ops' }))
      .to.equal('was mandatory: no · mandatory: yes · days to set up: 14 · deadlines set: 3 · via: cli:ops');
    expect(auditDetails({ until: '2026-07-10T23:59:59.999Z', before: null, ip: '' })).to.equal('until: 10 Jul 2026, 23:59 UTC');
    expect(auditDetails({ somethingNew: { a: 1 } })).to.equal('somethingNew: {"a":1}');
  });
});
