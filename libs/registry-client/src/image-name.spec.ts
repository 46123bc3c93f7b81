import { canonicalImageName, registryHostOf } from './image-name';

describe('image names', () => {
  it.each([
    ['alpine', 'docker.io/library/alpine:latest'],
    ['alpine:3.19', 'docker.io/library/alpine:3.19'],
    ['library/alpine:3.19', 'docker.io/library/alpine:3.19'],
    ['docker.io/library/alpine:3.19', 'docker.io/library/alpine:3.19'],
    ['index.docker.io/library/alpine:3.19', 'docker.io/library/alpine:3.19'],
    ['registry-1.docker.io/bitnami/redis:7', 'docker.io/bitnami/redis:7'],
    [`docker.io/library/alpine:3.19@sha256:${'a'.repeat(64)}`, 'docker.io/library/alpine:3.19'],
    ['127.0.0.1:5000/team/base:1', '127.0.0.1:5000/team/base:1'],
    ['localhost/base', 'localhost/base:latest'],
    ['Registry.Example.com/team/base:v1.2', 'registry.example.com/team/base:v1.2'],
    ['quay.io/prometheus/node-exporter:v1.8.0', 'quay.io/prometheus/node-exporter:v1.8.0'],
  ])('%s → %s', (text, expected) => {
    expect(canonicalImageName(text)).toBe(expected);
  });

  it.each([
    [''],
    ['Alpine'],
    ['alpine:-bad'],
    [`alpine@sha256:${'a'.repeat(64)}`], // digest only: no tag to follow
    ['alpine@notadigest'],
    ['a//b'],
  ])('%p is not a name a tag can be followed by', (text) => {
    expect(canonicalImageName(text)).toBeUndefined();
  });

  it.each([
    ['https://registry-1.docker.io', 'docker.io'],
    ['http://127.0.0.1:5000/', '127.0.0.1:5000'],
    ['https://Archive.Example.com:443', 'archive.example.com'],
  ])('registry %s names its images under %s', (url, host) => {
    expect(registryHostOf(url)).toBe(host);
  });
});
