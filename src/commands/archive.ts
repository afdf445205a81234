import { deserialize, serialize } from '../json-dates.js';
import type { Logger } from '../log.js';
import type { RedisLink } from '../subscriptions/redis-link.js';
import type { CommandRecord } from './record.js';

export interface ArchiveBounds {
  maxRecords: number;
  retentionMs: number;
}

/**
 * Command records in Redis, so every replica (one started later, one restarted) finds the commands any replica
 * sent: one key per record that expires retentionMs after the command could last finish, and a sorted set of ids
 * by issue time, cut to maxRecords. Written by the replica that sent the command only. While Redis is away,
 * writes are dropped and reads answer null: the replicas' memory (fed by commandChanged) answers alone.
 */
export class RedisCommandArchive {
  private readonly index: string;

  constructor(
    private readonly link: RedisLink,
    private readonly prefix: string,
    private readonly bounds: ArchiveBounds,
    private readonly log: Logger,
  ) {
    this.index = `${prefix}:commands`;
  }

  save(r: CommandRecord): void {
    if (!this.link.up) return;
    const until = (r.finishedAt ?? r.deadline).getTime() + this.bounds.retentionMs;
    this.link.commands
      .multi()
      .set(this.key(r.id), serialize(r), 'PX', Math.max(1, until - Date.now()))
      .zadd(this.index, r.issuedAt.getTime(), r.id)
      .zremrangebyrank(this.index, 0, -(this.bounds.maxRecords + 1))
      .pexpire(this.index, this.bounds.retentionMs * 2)
      .exec()
      .catch((e: unknown) => this.failed(e));
  }

  /** Newest first; null while Redis is away. */
  async list(): Promise<CommandRecord[] | null> {
    if (!this.link.up) return null;
    try {
      const ids = await this.link.commands.zrevrange(this.index, 0, this.bounds.maxRecords - 1);
      if (!ids.length) return [];
      const values = await this.link.commands.mget(ids.map((id) => this.key(id)));
      const gone = ids.filter((_, i) => values[i] === null);
      if (gone.length) void this.link.commands.zrem(this.index, ...gone).catch((e: unknown) => this.failed(e));
      return values.flatMap((v) => (v === null ? [] : parse(v)));
    } catch (e) {
      this.failed(e);
      return null;
    }
  }

  /** undefined while Redis is away. */
  async get(id: string): Promise<CommandRecord | null | undefined> {
    if (!this.link.up) return undefined;
    try {
      const v = await this.link.commands.get(this.key(id));
      return v === null ? null : (parse(v)[0] ?? null);
    } catch (e) {
      this.failed(e);
      return undefined;
    }
  }

  /**
   * Whether this replica is the one to finish a command whose watching replica went away: the first to ask
   * within `ttlMs` (then another may try, should this one die before telling). False while Redis is away.
   */
  async claim(id: string, ttlMs: number): Promise<boolean> {
    if (!this.link.up) return false;
    try {
      return (await this.link.commands.set(`${this.key(id)}:orphan`, '1', 'PX', ttlMs, 'NX')) === 'OK';
    } catch (e) {
      this.failed(e);
      return false;
    }
  }

  private key(id: string): string {
    return `${this.prefix}:command:${id}`;
  }

  private failed(e: unknown): void {
    this.link.commandFailed(e);
    this.log.debug({ err: (e as Error).message }, 'command records: Redis call failed');
  }
}

/** A stored record, or nothing when it is not one of ours (another version sharing the prefix). */
function parse(text: string): CommandRecord[] {
  try {
    const r = deserialize(text) as CommandRecord;
    return typeof r?.id === 'string' && r.issuedAt instanceof Date && r.deadline instanceof Date ? [r] : [];
  } catch {
    return [];
  }
}
