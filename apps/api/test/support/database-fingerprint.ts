import type { Client } from 'pg';

/** Columns that a read may touch: a token's last use is recorded when it is used. */
const READ_TOUCHED = ['last_used_at'];

/**
 * Every table of the database with its row count and a hash of its rows' content, so a test can
 * prove that a refused request changed nothing, whatever table it might have written.
 */
export async function databaseFingerprint(pg: Client): Promise<Record<string, string>> {
  const { rows: tables } = await pg.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const strip = READ_TOUCHED.map((c) => ` - '${c}'`).join('');
  const fingerprint: Record<string, string> = {};
  for (const { name } of tables) {
    const { rows } = await pg.query<{ n: number; hash: string | null }>(
      `SELECT count(*)::int AS n,
              md5(string_agg((to_jsonb(t)${strip})::text, '|' ORDER BY (to_jsonb(t)${strip})::text)) AS hash
         FROM "${name}" t`,
    );
    fingerprint[name] = `${rows[0]!.n}:${rows[0]!.hash ?? ''}`;
  }
  return fingerprint;
}
