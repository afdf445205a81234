/** An Epiphan Cloud simulator in a process of its own, so its state does not weigh on avgraph's heap figures. */
import { EpiphanSimulator } from '../../src/sources/epiphan/simulator.js';

const sim = new EpiphanSimulator({ flavor: 'EPIPHAN_CLOUD', token: process.argv[2]!, fleetSize: Number(process.argv[3] ?? 20) });
const baseUrl = await sim.listen(0);
process.stdout.write(JSON.stringify({ baseUrl, devices: sim.deviceIds() }) + '\n');
process.on('SIGTERM', () => void sim.close().then(() => process.exit(0)));
