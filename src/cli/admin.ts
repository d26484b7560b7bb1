import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load.ts';
import { buildRuntime } from '../deps.ts';
import { createLogger } from '../logger.ts';
import { DomainError } from '../domain/errors.ts';
import { commands, usage } from './commands.ts';

/** `npm run admin -- <command> [--options]`: manage users and policy in the configured stores. */
async function run(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  const command = name ? commands[name] : undefined;
  if (!command) {
    console.log(usage());
    return name && name !== 'help' ? 2 : 0;
  }
  const { values } = parseArgs({ args: rest, options: command.options, strict: true, allowPositionals: false });
  const config = await loadConfig();
  const runtime = await buildRuntime(config, createLogger('warn'));
  try {
    await command.run(runtime.deps, values as Record<string, string | boolean | undefined>);
    return 0;
  } finally {
    await runtime.close();
  }
}

run().then((code) => process.exit(code), (err) => {
  if (err instanceof ConfigError) console.error(`Configuration refused:\n${err.problems.map((p) => `- ${p}`).join('\n')}`);
  else if (err instanceof DomainError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) console.error(`Error: ${(err as Error).message}`);
  else console.error(err);
  process.exit(1);
});
