import { generateToken } from '@airlock/auth';
import {
  buildImage,
  buildIndex,
  ImagePusher,
  RegistryFixture,
  type TestDatabase,
  type TestRedis,
} from '@airlock/testing';
import { Client } from 'pg';
import { AirlockApi, startTestApi, stopTestApi } from './support/airlock-api';
import {
  totalOf,
  type ImageBody,
  type LookupBody,
  type PageBody,
  type Problem,
} from './support/image-bodies';

const BASE_DIGEST = `sha256:${'b'.repeat(64)}`;

describe('image registration over HTTP', () => {
  const adminToken = generateToken();
  let db: TestDatabase;
  let redis: TestRedis;
  let api: AirlockApi;
  let pg: Client;
  let registry: RegistryFixture;
  let pusher: ImagePusher;
  let ci: { id: string; token: string };
  let readerToken: string;

  beforeAll(async () => {
    registry = await RegistryFixture.start({ auth: 'none', name: 'images' });
    pusher = new ImagePusher(registry);
    ({ db, redis, api } = await startTestApi('images', adminToken));
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    const created = await api.call('POST', '/api/v1/registries', {
      token: adminToken,
      body: { name: 'sandbox', url: registry.url, role: 'sandbox' },
    });
    expect(created.status).toBe(201);
    ci = (
      await api.call<{ id: string; token: string }>('POST', '/api/v1/tokens', {
        token: adminToken,
        body: { name: 'jenkins', role: 'ci' },
      })
    ).body;
    readerToken = (
      await api.call<{ token: string }>('POST', '/api/v1/tokens', {
        token: adminToken,
        body: { name: 'dashboard', role: 'reader' },
      })
    ).body.token;
  });

  afterAll(async () => {
    await pg?.end();
    await registry?.stop();
    await stopTestApi({ api, redis, db });
  });

  const register = <T = ImageBody>(body: unknown, token = ci.token) =>
    api.call<T>('POST', '/api/v1/images', { token, body });
  const get = <T>(path: string) => api.call<T>('GET', path, { token: readerToken });
  const rowCount = async (repository: string, digest: string) =>
    Number(
      (
        await pg.query(`SELECT count(*) FROM images WHERE repository = $1 AND digest = $2`, [
          repository,
          digest,
        ])
      ).rows[0].count,
    );

  it('registers by tag: resolves the digest once, stores size, media type, annotations, base and build', async () => {
    const annotations = {
      'org.opencontainers.image.base.name': 'docker.io/library/alpine:3.20',
      'org.opencontainers.image.base.digest': BASE_DIGEST,
      team: 'core',
    };
    const image = buildImage({ annotations, layers: [{ size: 2048 }, { size: 512 }] });
    await pusher.push('team/app', image, ['1.0.0']);

    const response = await register({
      registry: 'sandbox',
      repository: 'team/app',
      tag: '1.0.0',
      build: { commit: 'abc123', pipelineId: '42' },
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      repository: 'team/app',
      digest: image.digest,
      mediaType: image.mediaType,
      size: totalOf(image),
      platforms: [{ os: 'linux', architecture: 'amd64' }],
      annotations,
      base: { name: 'docker.io/library/alpine:3.20', digest: BASE_DIGEST },
      build: { commit: 'abc123', pipelineId: '42' },
      registeredBy: ci.id,
    });

    const tags = await pg.query(`SELECT repository, tag, digest FROM registry_tags`);
    expect(tags.rows).toEqual([{ repository: 'team/app', tag: '1.0.0', digest: image.digest }]);
    const audit = await pg.query(
      `SELECT action, subject_id FROM audit_events WHERE action = 'image.registered'`,
    );
    expect(audit.rows).toEqual([{ action: 'image.registered', subject_id: response.body.id }]);
  });

  it('registers by digest, reading the platform from the config, and shows it with its locations and tags', async () => {
    const image = buildImage({
      format: 'docker',
      platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    });
    await pusher.push('team/lib', image);
    const response = await register({
      registry: 'sandbox',
      repository: 'team/lib',
      digest: image.digest,
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      digest: image.digest,
      mediaType: image.mediaType,
      size: totalOf(image),
      base: { name: null, digest: null },
    });
    expect(response.body.platforms).toEqual([
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ]);

    const shown = await get<LookupBody>(`/api/v1/images/${image.digest}?repository=team/lib`);
    expect(shown.status).toBe(200);
    expect(shown.body.items).toHaveLength(1);
    expect(shown.body.items[0]).toMatchObject({
      digest: image.digest,
      locations: [{ registry: 'sandbox', repository: 'team/lib' }],
      tags: [],
    });
  });

  it('registers an OCI index with its platforms and the size of every child', async () => {
    const index = buildIndex({
      annotations: { 'org.opencontainers.image.base.name': 'debian:12' },
    });
    await pusher.push('team/multi', index, ['2.0.0']);
    const response = await register({
      registry: 'sandbox',
      repository: 'team/multi',
      tag: '2.0.0',
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      digest: index.digest,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      size: totalOf(index),
      platforms: [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64' },
        { os: 'linux', architecture: 'arm', variant: 'v7' },
      ],
      base: { name: 'debian:12', digest: null },
    });
    // Its children by digest, in index order: a base named by a platform manifest is this base too.
    const stored = await pg.query<{ child_digests: string[] }>(
      `SELECT child_digests FROM images WHERE repository = 'team/multi' AND digest = $1`,
      [index.digest],
    );
    expect(stored.rows[0]!.child_digests).toEqual(index.children.map((child) => child.digest));
  });

  it('is idempotent: a second registration answers 200 with the first build metadata, one row', async () => {
    const image = buildImage();
    await pusher.push('team/again', image, ['a', 'b']);
    const first = await register({
      registry: 'sandbox',
      repository: 'team/again',
      tag: 'a',
      build: { commit: 'first' },
    });
    const second = await register({
      registry: 'sandbox',
      repository: 'team/again',
      tag: 'b',
      build: { commit: 'second' },
    });
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.body).toEqual(first.body);
    expect(second.body.build).toEqual({ commit: 'first' });
    expect(await rowCount('team/again', image.digest)).toBe(1);
    const shown = await get<LookupBody>(`/api/v1/images/${image.digest}`);
    expect(shown.body.items[0]!.tags.map((t) => t.tag)).toEqual(['a', 'b']);
  });

  it('creates one row when the same new digest is registered concurrently', async () => {
    const image = buildImage();
    await pusher.push('team/race', image);
    const responses = await Promise.all(
      Array.from({ length: 6 }, () =>
        register({ registry: 'sandbox', repository: 'team/race', digest: image.digest }),
      ),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect(await rowCount('team/race', image.digest)).toBe(1);
    const audit = await pg.query(
      `SELECT count(*) FROM audit_events WHERE action = 'image.registered' AND subject_id = $1`,
      [responses[0]!.body.id],
    );
    expect(Number(audit.rows[0].count)).toBe(1);
  });

  it('answers 404 REGISTRY_NOT_FOUND for an unknown tag and NOT_FOUND for an unknown registry', async () => {
    const missing = await register<Problem>({
      registry: 'sandbox',
      repository: 'team/app',
      tag: 'nope',
    });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('REGISTRY_NOT_FOUND');
    expect(missing.body.detail).toEqual(expect.stringContaining('"nope"'));
    expect(missing.body.detail).toEqual(expect.stringContaining('"team/app"'));
    expect(missing.body.detail).toEqual(expect.stringContaining('"sandbox"'));

    const unknown = await register<Problem>({
      registry: 'elsewhere',
      repository: 'team/app',
      tag: '1.0.0',
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('NOT_FOUND');
    expect(unknown.body.detail).toEqual(expect.stringContaining('elsewhere'));
  });

  it('needs exactly one of tag and digest, naming both fields', async () => {
    const digest = `sha256:${'c'.repeat(64)}`;
    for (const body of [
      { registry: 'sandbox', repository: 'team/app' },
      { registry: 'sandbox', repository: 'team/app', tag: '1.0.0', digest },
    ]) {
      const response = await register<Problem>(body);
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('INVALID_INPUT');
      expect(response.body.errors?.map((e) => `${e.field}:${e.rule}`)).toEqual([
        'tag:exactlyOneOf',
        'digest:exactlyOneOf',
      ]);
    }
    expect(
      Number(
        (await pg.query(`SELECT count(*) FROM images WHERE repository = 'team/app'`)).rows[0].count,
      ),
    ).toBe(1);
  });

  it('refuses registration to a reader token', async () => {
    const response = await register<Problem>(
      { registry: 'sandbox', repository: 'team/app', tag: '1.0.0' },
      readerToken,
    );
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('FORBIDDEN');
  });

  it('lists newest first in keyset pages and filters by repository and digest', async () => {
    const digests: string[] = [];
    for (let i = 0; i < 5; i++) {
      const image = buildImage({ layers: [{ size: 256 }] });
      await pusher.push('team/paged', image);
      expect(
        (await register({ registry: 'sandbox', repository: 'team/paged', digest: image.digest }))
          .status,
      ).toBe(201);
      digests.push(image.digest);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/api/v1/images?repository=team/paged&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page: { status: number; body: PageBody } = await get<PageBody>(query);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((i) => i.digest));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...digests].reverse());

    const all = await get<PageBody>('/api/v1/images');
    expect(all.body.items.length).toBeGreaterThan(5);
    expect(all.body.items.slice(0, 5).map((i) => i.digest)).toEqual([...digests].reverse());
    const byDigest = await get<PageBody>(`/api/v1/images?digest=${digests[2]}`);
    expect(byDigest.body.items.map((i) => [i.repository, i.digest])).toEqual([
      ['team/paged', digests[2]],
    ]);
    expect(byDigest.body.nextCursor).toBeNull();

    const badCursor = await get<Problem>('/api/v1/images?cursor=garbage');
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    expect((await get<Problem>('/api/v1/images?limit=201')).status).toBe(400);
  });

  it('answers 404 for a digest nobody registered', async () => {
    const response = await get<Problem>(`/api/v1/images/sha256:${'d'.repeat(64)}`);
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('NOT_FOUND');
  });

  it('documents the routes in OpenAPI with their roles, 200/201 and the gate ledger link', async () => {
    const doc = (await (await fetch(`${api.base}/api/docs-json`)).json()) as {
      paths: Record<
        string,
        Record<string, { description?: string; responses: Record<string, unknown> }>
      >;
    };
    const register = doc.paths['/api/v1/images']!.post!;
    expect(register.description).toContain('**Roles**: admin, ci.');
    expect(Object.keys(register.responses)).toEqual(
      expect.arrayContaining(['200', '201', '400', '401', '403', '404']),
    );
    expect(doc.paths['/api/v1/images']!.get).toBeDefined();
    expect(doc.paths['/api/v1/images/{digest}']!.get!.description).toContain(
      '/api/v1/gates/{digest}',
    );
  });
});
