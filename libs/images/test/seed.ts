import { createHash } from 'node:crypto';
import type { TestPostgres } from '@airlock/testing';

export const digestOf = (text: string): string =>
  `sha256:${createHash('sha256').update(text).digest('hex')}`;

/** Rows of other features the images statements join, written as plain SQL. */
export class Seed {
  constructor(private readonly pg: TestPostgres) {}

  async registry(
    name: string,
    url = 'http://127.0.0.1:1',
  ): Promise<{ id: string; name: string; url: string }> {
    const [row] = (await this.pg.query(
      `INSERT INTO registries (name, url, role) VALUES ($1, $2, 'prod') RETURNING id, name, url`,
      [name, url],
    )) as Array<{ id: string; name: string; url: string }>;
    return row!;
  }

  async stage(name: string, registryIds: string[]): Promise<string> {
    const [row] = (await this.pg.query(
      `INSERT INTO stages (name, position) VALUES ($1, 1) RETURNING id`,
      [name],
    )) as Array<{ id: string }>;
    for (const registryId of registryIds)
      await this.pg.query(`INSERT INTO stage_registries (stage_id, registry_id) VALUES ($1, $2)`, [
        row!.id,
        registryId,
      ]);
    return row!.id;
  }

  async gateResult(digest: string, gate: string, status: 'passed' | 'failed'): Promise<void> {
    await this.pg.query(`INSERT INTO gate_results (digest, gate, status) VALUES ($1, $2, $3)`, [
      digest,
      gate,
      status,
    ]);
  }

  /** A promotion of the image, as a promotion request stores it (queued unless told). */
  async promotion(
    image: { id: string; digest: string },
    registryId: string,
    stageId: string,
    status = 'queued',
  ): Promise<string> {
    const [row] = (await this.pg.query(
      `INSERT INTO promotions (image_id, digest, source_registry_id, source_repository, target_stage_id, tags, status)
       VALUES ($1, $2, $3, 'team/app', $4, '{}', $5) RETURNING id`,
      [image.id, image.digest, registryId, stageId, status],
    )) as Array<{ id: string }>;
    return row!.id;
  }
}
