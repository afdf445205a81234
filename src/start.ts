import { configSecrets, parseConfig, type AvgraphConfig } from './config.js';
import { ConfigError } from './errors.js';
import { learnedSecrets } from './secrets.js';
import { createLogger, type Logger } from './log.js';
import { createRuntime, type Runtime } from './runtime.js';
import { startDemoSources, type DemoSource } from './sources/registry.js';
import type { Source } from './sources/source.js';
import type { PollerOptions } from './subscriptions/poller.js';
import { startServer, type RunningServer } from './server.js';

export interface StartOptions {
  /** Parsed config; absent means demo mode: every simulator, sources pointing at them. */
  config?: AvgraphConfig;
  env?: NodeJS.ProcessEnv;
  log?: Logger;
  host?: string;
  /** Overrides config.port (tests pass 0). */
  port?: number;
  pollers?: PollerOptions;
  sources?: Source[];
}

export interface Running {
  url: string;
  port: number;
  runtime: Runtime;
  demo: boolean;
  close(): Promise<void>;
}

/** Everything `npm start` does after reading the command line; tests call it too. */
export async function start(opts: StartOptions = {}): Promise<Running> {
  const env = opts.env ?? process.env;
  let demos: DemoSource[] = [];
  let config = opts.config;
  const demo = !config;
  if (!config) {
    demos = await startDemoSources();
    config = parseConfig({ sources: demos.map((d) => d.config) }, env);
  }
  const cfg = config;
  if (!demo && cfg.apiKeys.length === 0 && !cfg.allowAnonymous) {
    await Promise.all(demos.map((d) => d.close()));
    throw new ConfigError('config: apiKeys: no API keys configured for real sources; add apiKeys or set "allowAnonymous": true');
  }
  const secrets = configSecrets(cfg);
  const log = opts.log ?? createLogger({ secrets: () => [...secrets, ...learnedSecrets()] });
  const port = opts.port ?? cfg.port;
  const host = opts.host ?? cfg.host;
  // With port 0 the public URL is known only once listening; media URLs read it through the runtime.
  const runtime = createRuntime({ config: cfg, log, publicUrl: '', demo, pollers: opts.pollers, sources: opts.sources });
  let server: RunningServer;
  try {
    server = await startServer(runtime, port, host);
  } catch (e) {
    await runtime.close();
    await Promise.all(demos.map((d) => d.close()));
    throw new ConfigError(`cannot listen on ${host}:${port}: ${(e as Error).message}`);
  }
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  const publicUrl = cfg.publicUrl ?? `http://${shownHost}:${server.port}`;
  runtime.setPublicUrl(publicUrl);

  let closed: Promise<void> | null = null;
  return {
    url: publicUrl,
    port: server.port,
    runtime,
    demo,
    close() {
      closed ??= (async () => {
        await server.close();
        await runtime.close();
        await Promise.all(demos.map((d) => d.close()));
      })();
      return closed;
    },
  };
}
