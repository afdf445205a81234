import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { RedisReads } from '../../src/store/shared-reads.js';
import { RedisLink } from '../../src/subscriptions/redis-link.js';
import { eventually } from '../helpers/stack.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = createLogger({ secrets: () => [], level: 'silent' });

describe('reads shared by replicas through Redis', () => {
  const prefix = `avgraph-reads-${randomBytes(4).toString('hex')}`;
  const links = [new RedisLink(REDIS_URL, `${prefix}:*`, log), new RedisLink(REDIS_URL, `${prefix}:*`, log)];
  afterAll(() => Promise.all(links.map((l) => l.close())));

  it('a replica closing in the middle of a read lets go of it: the others read at once instead of waiting out the lock', async () => {
    await eventually(() => links.every((l) => l.up), 5000, 'Redis up');
    const [a, b] = links.map((l) => new RedisReads(l, prefix, 10_000));
    let hang!: () => void;
    const slow = a!.read('fleet:cloud', 0, () => new Promise<string>((resolve) => (hang = () => resolve('late'))));
    await eventually(async () => (await links[0]!.commands.get(`${prefix}:state:fleet:cloud:reading`)) !== null, 2000, 'the read lock');
    await a!.close!();
    const t0 = Date.now();
    const read = await b!.read('fleet:cloud', 0, async () => 'now');
    expect(read.value).toBe('now');
    // not the 10 s lock: B found the key free
    expect(Date.now() - t0).toBeLessThan(2000);
    hang();
    await slow;
  });

  it('a replica that dies in the middle of a read holds the others up about a second, not the read\'s whole bound', async () => {
    const prefix2 = `${prefix}-dead`;
    const dying = new RedisLink(REDIS_URL, `${prefix2}:*`, log);
    const other = new RedisLink(REDIS_URL, `${prefix2}:*`, log);
    try {
      await eventually(() => dying.up && other.up, 5000, 'Redis up');
      const [a, b] = [dying, other].map((l) => new RedisReads(l, prefix2, 10_000));
      void a!.read('fleet:cloud', 0, () => new Promise<string>(() => undefined)).catch(() => undefined);
      await eventually(async () => (await other.commands.get(`${prefix2}:state:fleet:cloud:reading`)) !== null, 2000, 'the read lock');
      // gone without a word: its lock is no longer renewed
      await dying.close();
      const t0 = Date.now();
      const read = await b!.read('fleet:cloud', 0, async () => 'now');
      expect(read.value).toBe('now');
      expect(Date.now() - t0).toBeLessThan(3000);
    } finally {
      await other.close();
    }
  });
});
