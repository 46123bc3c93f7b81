import { buildImage, ImagePusher, MediaTypes, RegistryRequestError } from '../src/images';
import { RegistryFixture } from '../src/registry';
import { Skopeo } from '../src/skopeo/skopeo';

describe('registry fixture: htpasswd basic auth', () => {
  let registry: RegistryFixture;
  const repository = 'basic/app';
  const users = [
    { username: 'alice', password: 'correct horse' },
    { username: 'bob', password: 'battery staple' },
  ];

  beforeAll(async () => {
    registry = await RegistryFixture.start({ auth: 'htpasswd', users, name: 'htpasswd' });
  });

  afterAll(async () => {
    await registry?.stop();
    await RegistryFixture.stopAll();
  });

  it('refuses a push with a wrong password', async () => {
    const pusher = new ImagePusher({
      url: registry.url,
      credentials: { username: 'alice', password: 'wrong' },
    });
    try {
      const error: unknown = await pusher.push(repository, buildImage()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RegistryRequestError);
      expect((error as RegistryRequestError).status).toBe(401);
    } finally {
      pusher.close();
    }
  });

  it('accepts a push with the right password, and skopeo reads it with --creds', async () => {
    expect(registry.credentials).toEqual(users[0]);
    const image = buildImage({ format: 'docker' });
    const pusher = new ImagePusher({ url: registry.url, credentials: users[1] });
    try {
      await pusher.push(repository, image, ['v1', 'v1.0']);
    } finally {
      pusher.close();
    }
    const raw = await Skopeo.inspectRaw(`${registry.host}/${repository}:v1`, registry);
    expect(raw.equals(image.manifestBytes)).toBe(true);
    expect((JSON.parse(raw.toString()) as { mediaType: string }).mediaType).toBe(
      MediaTypes.dockerManifest,
    );
    expect((await Skopeo.listTags(`${registry.host}/${repository}`, registry)).sort()).toEqual([
      'v1',
      'v1.0',
    ]);
    const anonymous = Skopeo.inspectRaw(`${registry.host}/${repository}:v1`, {
      tls: false,
      anonymous: true,
    });
    await expect(anonymous).rejects.toThrow(/unauthorized|401/i);
  });
});
