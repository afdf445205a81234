/**
 * avgraph as `npm start -- --config <file>` runs it, in a process of its own so its CPU can be measured:
 * announces its URL over IPC and answers "cpu" (process.cpuUsage). argv[2]: the config file.
 */
import { loadConfigFile } from '../../src/config.js';
import { start } from '../../src/start.js';
import { serveIpc } from './ipc.js';

const app = await start({ config: loadConfigFile(process.argv[2]!) });
serveIpc({ url: app.url }, {}, () => app.close());
