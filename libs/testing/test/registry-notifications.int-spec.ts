import { buildImage, ImagePusher, MediaTypes } from '../src/images';
import { NotificationReceiver, NOTIFICATION_MEDIA_TYPE, RegistryFixture } from '../src/registry';

describe('registry fixture: notifications', () => {
  let receiver: NotificationReceiver;
  let registry: RegistryFixture;

  beforeAll(async () => {
    receiver = await NotificationReceiver.start();
    registry = await RegistryFixture.start({
      name: 'notifying',
      notifications: { url: receiver.url, headers: { Authorization: ['Bearer notify-secret'] } },
    });
  });

  afterAll(async () => {
    await registry?.stop();
    await receiver?.stop();
    await RegistryFixture.stopAll();
  });

  it('delivers a push event naming the repository, digest and tag of a pushed manifest', async () => {
    const image = buildImage();
    const pusher = new ImagePusher(registry);
    try {
      await pusher.push('events/app', image, ['v7']);
    } finally {
      pusher.close();
    }
    const event = await receiver.waitFor(
      (e) =>
        e.action === 'push' &&
        e.target.mediaType === MediaTypes.ociManifest &&
        e.target.tag === 'v7',
    );
    expect(event.target).toMatchObject({
      repository: 'events/app',
      digest: image.digest,
      tag: 'v7',
    });
    const envelope = receiver.envelopes.find((e) => e.events.includes(event))!;
    expect(envelope.headers.authorization).toBe('Bearer notify-secret');
    expect(envelope.headers['content-type']).toBe(NOTIFICATION_MEDIA_TYPE);
  });

  it('resends an event the receiver refused once it accepts again', async () => {
    receiver.responseStatus = 503;
    const image = buildImage();
    const pusher = new ImagePusher(registry);
    try {
      await pusher.push('events/retry', image, ['r1']);
      await new Promise((r) => setTimeout(r, 500));
      expect(receiver.events.some((e) => e.target.repository === 'events/retry')).toBe(false);
    } finally {
      receiver.responseStatus = 200;
      pusher.close();
    }
    const event = await receiver.waitFor(
      (e) => e.target.repository === 'events/retry' && e.target.tag === 'r1',
    );
    expect(event.target.digest).toBe(image.digest);
  });
});
