// What the benchmarks share: statistics, the database server they create their databases on,
// their Redis key prefix, and the machine's load.
import { readFileSync } from 'node:fs';
import Redis from 'ioredis';
import { Client } from 'pg';

/** The median (the mean of the middle two for an even count). */
export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** One statement on the database server (`CREATE DATABASE`, `DROP DATABASE`). */
export async function onServer(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Removes every Redis key under `prefix` (what a bench's Airlock wrote). */
export async function dropRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 })) {
      if ((keys as string[]).length) await redis.unlink(...(keys as string[]));
    }
  } finally {
    redis.disconnect();
  }
}

/** The 1, 5 and 15 minute load averages, for the report's heading. */
export function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return '?';
  }
}

/**
 * The node flags `npm start` runs Airlock with (package.json's scripts.start: `node <flags>
 * <entry>`), so a bench that spawns the entry itself runs it the way the README does.
 */
export function startNodeFlags(packageJson: string): string[] {
  const pkg = JSON.parse(readFileSync(packageJson, 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.split(/\s+/).filter(Boolean);
  return words.slice(1).filter((word) => word.startsWith('--'));
}
