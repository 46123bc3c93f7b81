import { generateToken } from '@airlock/auth';
import {
  buildImage,
  ImagePusher,
  NOTIFICATION_MEDIA_TYPE,
  RegistryFixture,
  waitFor,
  type TestDatabase,
  type TestRedis,
} from '@airlock/testing';
import { Client } from 'pg';
import { AirlockApi, startTestApi, stopTestApi } from './support/airlock-api';
import type { ImageBody, PageBody } from './support/image-bodies';

interface Summary {
  received: number;
  registered: number;
  ignored: number;
  failed: number;
}

const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/**
 * A real registry whose `notifications.endpoints` point at a real API: a push registers the image
 * by itself, once, whoever else registers it too.
 */
describe('registry push notifications', () => {
  const adminToken = generateToken();
  let db: TestDatabase;
  let redis: TestRedis;
  let api: AirlockApi;
  let pg: Client;
  let registry: RegistryFixture;
  let pusher: ImagePusher;
  let ci: { id: string; token: string };

  beforeAll(async () => {
    // The API first: the registry's configuration needs its URL and a ci token.
    ({ db, redis, api } = await startTestApi('notifications', adminToken));
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    ci = (
      await api.call<{ id: string; token: string }>('POST', '/api/v1/tokens', {
        token: adminToken,
        body: { name: 'registry-ci', role: 'ci' },
      })
    ).body;
    registry = await RegistryFixture.start({
      auth: 'none',
      name: 'notifications',
      notifications: {
        url: `${api.base}/api/v1/registries/ci/notifications`,
        headers: { Authorization: [`Bearer ${ci.token}`] },
      },
    });
    pusher = new ImagePusher(registry);
    const created = await api.call('POST', '/api/v1/registries', {
      token: adminToken,
      body: { name: 'ci', url: registry.url, role: 'ci' },
    });
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    await pg?.end();
    await registry?.stop();
    await stopTestApi({ api, redis, db });
  });

  /** POSTs an envelope as distribution does: its own media type, the token in Authorization. */
  const notify = async (name: string, events: unknown[], token: string | null = ci.token) => {
    const response = await fetch(`${api.base}/api/v1/registries/${name}/notifications`, {
      method: 'POST',
      headers: {
        'content-type': NOTIFICATION_MEDIA_TYPE,
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify({ events }),
    });
    return {
      status: response.status,
      body: (await response.json()) as Summary & { code?: string },
    };
  };
  const rows = async (repository: string) =>
    (
      await pg.query<{ digest: string; registered_by: string }>(
        `SELECT digest, registered_by FROM images WHERE repository = $1`,
        [repository],
      )
    ).rows;
  const tags = async (repository: string) =>
    (
      await pg.query<{ tag: string; digest: string }>(
        `SELECT tag, digest FROM registry_tags WHERE repository = $1 ORDER BY tag`,
        [repository],
      )
    ).rows;

  it('registers a pushed image by itself, once, with its tag, whoever registers it again', async () => {
    const image = buildImage({ layers: [{ size: 1024 }] });
    await pusher.push('team/app', image, ['1.0.0']);

    const page = await waitFor(
      'the pushed image to be registered',
      async () => {
        const listed = await api.call<PageBody>('GET', '/api/v1/images?repository=team/app', {
          token: ci.token,
        });
        return listed.body.items.length > 0 ? listed.body : undefined;
      },
      20000,
      200,
    );
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      repository: 'team/app',
      digest: image.digest,
      mediaType: image.mediaType,
      registeredBy: ci.id,
    });
    await waitFor('the pushed tag to be recorded', async () =>
      (await tags('team/app')).length > 0 ? true : undefined,
    );
    expect(await tags('team/app')).toEqual([{ tag: '1.0.0', digest: image.digest }]);

    // Once, from the calling token, marked as coming from a notification.
    const audit = await pg.query(
      `SELECT actor_token_id, after->>'source' AS source, after->>'registry' AS registry
         FROM audit_events WHERE action = 'image.registered' AND after->>'repository' = 'team/app'`,
    );
    expect(audit.rows).toEqual([{ actor_token_id: ci.id, source: 'notification', registry: 'ci' }]);

    // The same digest under another tag, and CI registering it explicitly: still one row.
    await pusher.push('team/app', image, ['stable']);
    await waitFor('the second tag to be recorded', async () =>
      (await tags('team/app')).length === 2 ? true : undefined,
    );
    const build = { commit: 'abc123', url: 'https://ci.example.com/p/1' };
    const explicit = await api.call<ImageBody>('POST', '/api/v1/images', {
      token: ci.token,
      body: { registry: 'ci', repository: 'team/app', digest: image.digest, build },
    });
    expect(explicit.status).toBe(200);
    expect(explicit.body.id).toBe(page.items[0]!.id);
    // The notification registered without build metadata; CI's later call fills it in, once.
    expect(explicit.body.build).toEqual(build);
    const again = await api.call<ImageBody>('POST', '/api/v1/images', {
      token: ci.token,
      body: {
        registry: 'ci',
        repository: 'team/app',
        digest: image.digest,
        build: { commit: 'other' },
      },
    });
    expect(again.body.build).toEqual(build);
    expect(await rows('team/app')).toEqual([{ digest: image.digest, registered_by: ci.id }]);
    expect(await tags('team/app')).toEqual([
      { tag: '1.0.0', digest: image.digest },
      { tag: 'stable', digest: image.digest },
    ]);
    const registrations = await pg.query(
      `SELECT count(*)::int AS n FROM audit_events
        WHERE action = 'image.registered' AND after->>'repository' = 'team/app'`,
    );
    expect(registrations.rows[0].n).toBe(1);
  });

  it('counts blob pushes, pulls and unreadable images without registering them, and answers 200', async () => {
    const image = buildImage({ layers: [{ size: 256 }] });
    await pusher.push('team/blobs', image);
    const layer = image.blobs[0]!;
    const missing = `sha256:${'c'.repeat(64)}`;
    const response = await notify('ci', [
      {
        id: '1',
        action: 'push',
        target: {
          mediaType: 'application/octet-stream',
          digest: layer.digest,
          repository: 'team/blobs',
        },
      },
      {
        id: '2',
        action: 'pull',
        target: { mediaType: image.mediaType, digest: image.digest, repository: 'team/blobs' },
      },
      {
        id: '3',
        action: 'push',
        target: { mediaType: MANIFEST, digest: missing, repository: 'team/blobs' },
      },
    ]);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ received: 3, registered: 0, ignored: 2, failed: 1 });
    const registered = await pg.query(`SELECT digest FROM images WHERE digest = ANY($1)`, [
      [layer.digest, missing],
    ]);
    expect(registered.rows).toEqual([]);
  });

  it('registers from an envelope posted directly, deduplicated within it', async () => {
    const image = buildImage({ layers: [{ size: 300 }] });
    await pusher.push('team/direct', image);
    const event = (tag?: string) => ({
      id: tag ?? 'digest',
      action: 'push',
      target: { mediaType: image.mediaType, digest: image.digest, repository: 'team/direct', tag },
    });
    const response = await notify('ci', [event(), event('v1'), event('v1')]);
    expect(response.body).toEqual({ received: 3, registered: 3, ignored: 0, failed: 0 });
    expect(await rows('team/direct')).toHaveLength(1);
    expect(await tags('team/direct')).toEqual([{ tag: 'v1', digest: image.digest }]);
  });

  it('needs a ci token and a known registry', async () => {
    expect((await notify('ci', [], null)).status).toBe(401);
    const reader = (
      await api.call<{ token: string }>('POST', '/api/v1/tokens', {
        token: adminToken,
        body: { name: 'reader', role: 'reader' },
      })
    ).body.token;
    expect((await notify('ci', [], reader)).status).toBe(403);
    const unknown = await notify('nowhere', []);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('NOT_FOUND');
  });

  it('refuses a body that is not an envelope', async () => {
    const response = await api.call('POST', '/api/v1/registries/ci/notifications', {
      token: ci.token,
      body: { event: [] },
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'INVALID_INPUT' });
  });
});
