import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { RegistryRequestEvent } from '@airlock/registry-client';

/** Reads a stream to the end; rejects with its error. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A stream factory over bytes, as `pushBlob` wants it, counting how often it was opened. */
export function opener(bytes: Buffer): { open: () => Promise<Readable>; opened: () => number } {
  let opened = 0;
  return {
    open: async () => {
      opened += 1;
      return Readable.from([
        bytes.subarray(0, Math.floor(bytes.length / 2)),
        bytes.subarray(Math.floor(bytes.length / 2)),
      ]);
    },
    opened: () => opened,
  };
}

export function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Collects the client's request events. */
export class RequestLog {
  readonly events: RegistryRequestEvent[] = [];
  readonly observer = (event: RegistryRequestEvent): void => void this.events.push(event);

  clear(): void {
    this.events.length = 0;
  }

  count(predicate: (event: RegistryRequestEvent) => boolean): number {
    return this.events.filter(predicate).length;
  }
}

/**
 * Upload sessions distribution still keeps for a repository (filesystem driver layout). A
 * cancelled session loses its `data` and `startedat` files; only hash state debris remains.
 */
export function openUploadSessions(storageDir: string, repository: string): string[] {
  const dir = join(storageDir, 'docker', 'registry', 'v2', 'repositories', repository, '_uploads');
  try {
    return readdirSync(dir).filter((session) =>
      readdirSync(join(dir, session)).some((f) => f === 'data' || f === 'startedat'),
    );
  } catch {
    return [];
  }
}
