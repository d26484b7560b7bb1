import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Page } from 'playwright-core';

/** Where the browser suites put their screenshots (README: CI keeps this folder as an artifact). */
export const SCREENSHOTS = path.resolve('test-artifacts/screenshots');

const require = createRequire(import.meta.url);
let axeSource: string | null = null;
/** axe-core's browser build, injected into each page (the context bypasses the page's CSP for it). */
function axe(): string {
  axeSource ??= fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

export interface Overflow { scrollWidth: number; innerWidth: number; overflows: boolean; widest: string | null }
export interface AxeViolation { id: string; impact: string | null; nodes: number; help: string; targets: string[] }
export interface PageCheck { name: string; width: number; overflow: Overflow; violations: AxeViolation[]; screenshot: string }

/** Horizontal overflow: the page scrolls sideways (and, to fix it, the widest element that sticks out). */
export async function measureOverflow(page: Page): Promise<Overflow> {
  return page.evaluate(() => {
    const root = document.scrollingElement ?? document.documentElement;
    const innerWidth = window.innerWidth;
    let widest: string | null = null;
    let max = innerWidth;
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const right = el.getBoundingClientRect().right;
      if (right > max + 0.5) { max = right; widest = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''} (right edge ${Math.round(right)} px)`; }
    }
    const overflows = root.scrollWidth > innerWidth;
    return { scrollWidth: root.scrollWidth, innerWidth, overflows, widest: overflows ? widest : null };
  });
}

/** axe-core's WCAG 2.x A/AA rules and best practices on the page as it is now. */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axe() });
  return page.evaluate(async () => {
    const w = window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } };
    const result = await w.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help, targets: v.nodes.slice(0, 5).map((n) => String(n.target.join(' '))) }));
  });
}

export const serious = (violations: AxeViolation[]) => violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** Set the width, let the layout settle, then measure, run axe and save a full-page screenshot. */
export async function checkAt(page: Page, name: string, index: number, width: number, height: number): Promise<PageCheck> {
  await page.setViewportSize({ width, height });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const overflow = await measureOverflow(page);
  const violations = await runAxe(page);
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const screenshot = path.join(SCREENSHOTS, `${String(index + 1).padStart(2, '0')}-${slug(name)}-${width}.png`);
  await page.screenshot({ path: screenshot, fullPage: true });
  return { name, width, overflow, violations, screenshot: path.relative(process.cwd(), screenshot) };
}

/** The closing-note table: each page, its axe result and its overflow check at each width. */
export function summaryTable(checks: PageCheck[]): string {
  const rows = checks.map((c) => {
    const bad = serious(c.violations);
    const minor = c.violations.filter((v) => !bad.includes(v));
    const axeText = bad.length ? `FAIL ${bad.map((v) => `${v.id} (${v.impact})`).join(', ')}` : `pass${minor.length ? ` (minor: ${minor.map((v) => `${v.id} ${v.impact}`).join(', ')})` : ''}`;
    const over = c.overflow.overflows ? `FAIL scrollWidth ${c.overflow.scrollWidth} > ${c.overflow.innerWidth}` : `pass (${c.overflow.scrollWidth} ≤ ${c.overflow.innerWidth})`;
    return `| ${c.name} | ${c.width} | ${axeText} | ${over} |`;
  });
  return ['| page | width (px) | axe-core (serious/critical) | horizontal overflow |', '|---|---|---|---|', ...rows].join('\n');
}
