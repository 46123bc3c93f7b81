import { REPOSITORY, TAG } from './references';

/**
 * Image names as people and build tools write them (`alpine`, `docker.io/library/alpine:3.19`,
 * `registry.example.com:5000/team/base:1@sha256:…`), reduced to one canonical form
 * `<host>/<repository>:<tag>` so that two spellings of one name compare equal. This is what
 * base-image drift matches an image's `org.opencontainers.image.base.name` against.
 *
 * The rules are the ones docker/distribution's reference package applies: the first component is
 * a host when it holds a `.` or `:` or is `localhost`; no host means Docker Hub; Docker Hub's
 * official images live under `library/`; no tag and no digest means `latest`. A digest suffix is
 * dropped: the canonical name is the tag, which is what moves.
 */

/** Every host name Docker Hub answers to; all of them canonicalise to `docker.io`. */
const DOCKER_HUB_HOSTS = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
]);
const DOCKER_HUB = 'docker.io';

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

export interface ImageName {
  /** Canonical host, with a port when it has one (`docker.io`, `127.0.0.1:5000`). */
  host: string;
  repository: string;
  tag: string;
}

/** `docker.io/library/alpine:3.19` */
export function formatImageName(name: ImageName): string {
  return `${name.host}/${name.repository}:${name.tag}`;
}

/** The host part of an image name, canonical: lower case, Docker Hub's aliases folded. */
export function canonicalHost(host: string): string {
  const lower = host.toLowerCase();
  return DOCKER_HUB_HOSTS.has(lower) ? DOCKER_HUB : lower;
}

/**
 * The host images in a registry are named by: `https://registry-1.docker.io` → `docker.io`,
 * `http://127.0.0.1:5000/` → `127.0.0.1:5000`. Default ports are dropped, as in a URL.
 */
export function registryHostOf(url: string): string {
  return canonicalHost(new URL(url).host);
}

/** Parses and canonicalises an image name; undefined when it is not one. */
export function parseImageName(text: string): ImageName | undefined {
  let rest = text.trim();
  const at = rest.indexOf('@');
  let hasDigest = false;
  if (at >= 0) {
    if (!DIGEST.test(rest.slice(at + 1))) return undefined;
    hasDigest = true;
    rest = rest.slice(0, at);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const hasHost =
    slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const host = hasHost ? canonicalHost(first) : DOCKER_HUB;
  let path = hasHost ? rest.slice(slash + 1) : rest;
  let tag: string | undefined;
  const colon = path.lastIndexOf(':');
  if (colon >= 0) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }
  if (!tag && hasDigest) return undefined; // pinned by digest only: there is no tag that moves
  if (host === DOCKER_HUB && !path.includes('/')) path = `library/${path}`;
  if (path.length > 255 || !REPOSITORY.test(path)) return undefined;
  return { host, repository: path, tag: tag ?? 'latest' };
}

/** The canonical text of an image name, or undefined when it is not one. */
export function canonicalImageName(text: string): string | undefined {
  const parsed = parseImageName(text);
  return parsed && formatImageName(parsed);
}
