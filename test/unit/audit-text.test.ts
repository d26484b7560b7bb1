import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditActionText, auditDetails, AUDIT_ACTIONS } from '../../src/admin/audit-text.ts';

describe('audit log details as people read them', () => {
  it('labels known keys, formats instants and booleans, drops empty values', () => {
    expect(auditDetails({ mandatoryBefore: false, mandatory: true, graceDays: 14, deadlinesSet: 3, via: 'cli:ops' }))
      .to.equal('was mandatory: no · mandatory: yes · days to set up: 14 · deadlines set: 3 · via: cli:ops');
    expect(auditDetails({ until: '2026-07-10T23:59:59.999Z', before: null, ip: '' })).to.equal('until: 10 Jul 2026, 23:59 UTC');
    expect(auditDetails({ somethingNew: { a: 1 } })).to.equal('somethingNew: {"a":1}');
  });
});

describe('audit actions in words', () => {
  /** Every action string the code records: `audit(deps, actor, 'x.y', …)` or a ternary of two, anywhere in src/. */
  function recordedActions(): string[] {
    const found = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else if (p.endsWith('.ts')) {
          const text = readFileSync(p, 'utf8');
          for (const m of text.matchAll(/\baudit\(\s*deps\s*,\s*[^,]+,\s*([^,]+?),/g)) {
            for (const s of m[1]!.matchAll(/'([a-z][a-z0-9.-]+)'/g)) found.add(s[1]!);
          }
        }
      }
    };
    walk(join(import.meta.dirname, '../../src'));
    return [...found].sort();
  }

  it('every action the code records has words of its own (no raw keys on the page)', () => {
    const actions = recordedActions();
    expect(actions.length).to.be.greaterThan(15);
    expect(actions).to.include.members(['policy.changed', 'sign-in.denied-after-deadline', 'user.exemption-ended', 'two-factor.device-changed']);
    const missing = actions.filter((a) => !(a in AUDIT_ACTIONS));
    expect(missing, 'add these to AUDIT_ACTIONS in src/admin/audit-text.ts').to.deep.equal([]);
    for (const a of actions) expect(auditActionText(a)).to.not.contain('.');
  });

  it('an action without words yet is spelled out, never shown as a key', () => {
    expect(auditActionText('policy.changed')).to.equal('Changed the two-step sign-in policy');
    expect(auditActionText('webhook.rotated')).to.equal('Webhook rotated');
    expect(auditActionText('more-time.requested')).to.equal('More time requested');
  });
});
