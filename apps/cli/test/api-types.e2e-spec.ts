import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * The CLI's and the web UI's types are generated from the API's OpenAPI document (`npm run
 * openapi`): the committed document and types must be what the code generates today, so an API
 * change reaches their typecheck instead of drifting past it.
 */
describe('the OpenAPI document and the CLI types generated from it', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'airlock-openapi-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('docs/openapi.json is the document the API builds (run npm run openapi after an API change)', () => {
    const built = execFileSync('node', [join(ROOT, 'dist/apps/api/src/openapi.js')], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(built).toBe(readFileSync(join(ROOT, 'docs/openapi.json'), 'utf8'));
  });

  it('apps/cli/src/airlock/api-types.ts, the types of the CLI and the web UI, is generated from it', () => {
    const output = join(scratch, 'api-types.ts');
    execFileSync(
      join(ROOT, 'node_modules/.bin/openapi-typescript'),
      [join(ROOT, 'docs/openapi.json'), '--output', output],
      { cwd: ROOT, stdio: 'ignore' },
    );
    expect(readFileSync(output, 'utf8')).toBe(
      readFileSync(join(ROOT, 'apps/cli/src/airlock/api-types.ts'), 'utf8'),
    );
  });
});
