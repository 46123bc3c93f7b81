import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { listenOnLoopback } from '../src/registry/loopback-server';
import { renderRegistryConfig } from '../src/registry/registry-config';
import { launchRegistry, RegistryStartError } from '../src/registry/registry-process';
import { createTempDir, removeDir } from '../src/registry/temp-dir';

describe('registry startup failures', () => {
  let dir: string;

  beforeEach(() => {
    dir = createTempDir('startup');
  });

  afterEach(() => removeDir(dir));

  it('quote the registry’s own output when the config is invalid', async () => {
    const config = join(dir, 'config.yml');
    writeFileSync(config, 'version: 0.1\nstorage: {}\n');
    const error: unknown = await launchRegistry(config, 'http://127.0.0.1:1').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RegistryStartError);
    expect((error as RegistryStartError).portInUse).toBe(false);
    expect((error as Error).message).toMatch(/exited \(\d+\) during startup:\n.*storage/is);
  });

  it('report a busy port so the fixture can retry on another', async () => {
    const squatter: Server = createServer();
    const port = await listenOnLoopback(squatter);
    try {
      const config = join(dir, 'config.yml');
      writeFileSync(config, renderRegistryConfig({ port, storageDir: join(dir, 'storage') }));
      const error: unknown = await launchRegistry(config, `http://127.0.0.1:${port}`).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RegistryStartError);
      expect((error as RegistryStartError).portInUse).toBe(true);
    } finally {
      squatter.close();
    }
  });
});
