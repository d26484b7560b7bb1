import type { Server } from 'node:http';
import type { Logger } from '../ports/deps.ts';
import { ConnectionDrain } from './drain.ts';
import type { Readiness } from './health.ts';

/** The last resort after the delay: requests still running then are cut (and counted). */
export const FORCE_CLOSE_AFTER_MS = 10_000;

export interface ShutdownPlan {
  servers: Server[];
  readiness: Readiness;
  /** Seconds between readiness failing and closing the listeners (the balancer's reaction time). */
  delaySeconds: number;
  forceAfterMs?: number;
  logger: Logger;
  /** Closes the stores once no request runs any more. */
  closeStores(): Promise<void>;
}

export interface ShutdownReport { cut: number; forced: boolean }

/**
 * SIGTERM: readiness fails and every kept-alive connection is told `Connection: close` at once;
 * after the delay the listeners close and the requests under way finish; the stores close last.
 * Build it right after the servers are created, so every connection is tracked from its start.
 */
export function gracefulShutdown(plan: ShutdownPlan): { shutdown(signal: string): Promise<ShutdownReport> } {
  const drains = plan.servers.map((s) => new ConnectionDrain(s));
  let running: Promise<ShutdownReport> | null = null;
  const run = async (signal: string): Promise<ShutdownReport> => {
    plan.readiness.drain();
    for (const d of drains) d.start();
    plan.logger.info({ signal, delaySeconds: plan.delaySeconds, inFlight: drains.reduce((n, d) => n + d.inFlight(), 0) }, 'draining: readiness off, kept-alive connections told to close');
    if (plan.delaySeconds > 0) await new Promise((r) => setTimeout(r, plan.delaySeconds * 1000));
    plan.logger.info({ signal }, 'shutting down: no new connections, finishing requests');
    const results = await Promise.all(drains.map((d) => d.close(plan.forceAfterMs ?? FORCE_CLOSE_AFTER_MS)));
    const report = { cut: results.reduce((n, r) => n + r.cut, 0), forced: results.some((r) => r.forced) };
    if (report.forced) plan.logger.error({ cut: report.cut }, `forced close: ${report.cut} request(s) cut`);
    await plan.closeStores();
    plan.logger.info(report, 'stopped');
    return report;
  };
  return { shutdown: (signal) => (running ??= run(signal)) };
}
