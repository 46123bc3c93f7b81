import { AirlockError } from '@airlock/errors';
import {
  eventsOf,
  registersImage,
  selectPushedImages,
  type RegistryEvent,
} from './registry-notifications';

const DIGEST_A = `sha256:${'a'.repeat(64)}`;
const DIGEST_B = `sha256:${'b'.repeat(64)}`;

function push(mediaType: string, extra: Partial<NonNullable<RegistryEvent['target']>> = {}) {
  return {
    id: 'e',
    action: 'push',
    target: { mediaType, digest: DIGEST_A, repository: 'team/app', ...extra },
  };
}

describe('registry push notifications: which events register an image', () => {
  it.each([
    ['application/vnd.oci.image.manifest.v1+json', true],
    ['application/vnd.oci.image.index.v1+json', true],
    ['application/vnd.docker.distribution.manifest.v2+json', true],
    ['application/vnd.docker.distribution.manifest.list.v2+json', true],
    // Blob pushes: distribution reports layers and configs as octet-stream.
    ['application/octet-stream', false],
    ['application/vnd.oci.image.layer.v1.tar+gzip', false],
    ['application/vnd.oci.image.config.v1+json', false],
    ['application/vnd.docker.container.image.v1+json', false],
    // Schema 1 is not an image Airlock can read.
    ['application/vnd.docker.distribution.manifest.v1+prettyjws', false],
  ])('a push of %s registers: %p', (mediaType, expected) => {
    expect(registersImage(push(mediaType))).toBe(expected);
  });

  it.each(['pull', 'delete', 'mount', undefined])('action %p registers nothing', (action) => {
    expect(registersImage({ ...push('application/vnd.oci.image.manifest.v1+json'), action })).toBe(
      false,
    );
  });

  it('needs a repository and a digest', () => {
    const manifest = 'application/vnd.oci.image.manifest.v1+json';
    expect(registersImage(push(manifest, { repository: '' }))).toBe(false);
    expect(registersImage(push(manifest, { digest: undefined }))).toBe(false);
    expect(registersImage({ action: 'push' })).toBe(false);
  });

  it('groups the events of one image, collects its tags and counts the rest as ignored', () => {
    const manifest = 'application/vnd.oci.image.manifest.v1+json';
    const selection = selectPushedImages([
      push('application/octet-stream', { digest: DIGEST_B }),
      push(manifest),
      push(manifest, { tag: '1.0.0' }),
      push(manifest, { tag: 'latest' }),
      push(manifest, { tag: '1.0.0' }),
      push(manifest, { repository: 'team/other', tag: 'x' }),
      { ...push(manifest, { digest: DIGEST_B }), action: 'pull' },
    ]);
    expect(selection).toEqual({
      images: [
        { repository: 'team/app', digest: DIGEST_A, tags: ['1.0.0', 'latest'], events: 4 },
        { repository: 'team/other', digest: DIGEST_A, tags: ['x'], events: 1 },
      ],
      ignored: 2,
    });
  });

  it('reads the events of an envelope and refuses anything else', () => {
    expect(eventsOf({ events: [] })).toEqual([]);
    expect(eventsOf({ events: [{ action: 'push' }] })).toHaveLength(1);
    for (const bad of [null, 'x', [], {}, { events: {} }, { events: [1] }])
      expect(() => eventsOf(bad)).toThrow(AirlockError);
  });
});
