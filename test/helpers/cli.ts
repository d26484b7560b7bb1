import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { commands } from '../../src/cli/commands.ts';
import type { Deps } from '../../src/ports/deps.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type Values = Record<string, string | boolean | undefined>;

/** Run one command in-process against the instance's stores, capturing what it prints. */
export async function cli(idp: { deps: Deps }, name: string, values: Values): Promise<{ out: string; error: Error | null }> {
  const command = commands[name];
  if (!command) throw new Error(`no command ${name}`);
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => { lines.push(args.map(String).join(' ')); };
  let error: Error | null = null;
  try {
    await command.run(idp.deps, values);
  } catch (err) {
    error = err as Error;
  } finally {
    console.log = original;
  }
  return { out: lines.join('\n'), error };
}

/** The real entry point (`npm run admin -- ...`) in a child process with memory stores. */
export function spawnCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/admin.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'test', USER_STORE: 'memory', STATE_STORE: 'memory', PROVIDER_STORE: 'memory', LOG_LEVEL: 'silent' },
      timeout: 30_000,
    }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 99) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
