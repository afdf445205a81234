import { loadConfigFile } from './config.js';
import { ConfigError } from './errors.js';
import { start } from './start.js';

/** `npm start [-- --config avgraph.json]`: no config means demo mode with every simulator. */
async function main(): Promise<void> {
  const t0 = performance.now();
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--config');
  const path = at >= 0 ? argv[at + 1] : process.env.AVGRAPH_CONFIG;
  if (at >= 0 && !path) throw new ConfigError('--config needs a file path');
  const config = path ? loadConfigFile(path) : undefined;
  const app = await start({ config });
  const log = app.runtime.log;
  const sources = [...app.runtime.sources.values()];
  log.info(
    { sources: sources.map((s) => `${s.id} (${s.vendor})`), demo: app.demo },
    app.demo ? 'demo mode: no config given, serving the built-in simulators' : 'sources configured',
  );
  if (!app.runtime.access.enabled) {
    log.warn('ACCESS CONTROL IS OFF: no apiKeys configured, every caller may read and control every device');
  } else {
    log.info({ keys: app.runtime.config.apiKeys.map((k) => `${k.name} [${k.scopes.join(',')}]`) }, 'access control is on');
  }
  log.info(
    { dashboard: `${app.url}/`, graphiql: `${app.url}/graphql`, startupMs: Math.round(performance.now() - t0) },
    `avgraph ready: the fleet dashboard at ${app.url}/ and GraphiQL at ${app.url}/graphql`,
  );

  const stop = (signal: string) => {
    log.info({ signal }, 'stopping');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((e: unknown) => {
  // Config problems are one clear line; anything else is a bug worth its message, still without a stack.
  console.error(e instanceof ConfigError ? e.message : `avgraph failed to start: ${(e as Error).message}`);
  process.exit(1);
});
