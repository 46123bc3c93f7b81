import { isImageManifestMediaType, isIndexMediaType } from '@airlock/registry-client';
import { fieldProblem, invalidInput, throwIfInvalid } from '@airlock/validation';

/** The media type CNCF distribution POSTs its notification envelopes with. */
export const NOTIFICATION_MEDIA_TYPE = 'application/vnd.docker.distribution.events.v1+json';

/** The parts of a distribution event (notifications/event.go) Airlock reads; the rest is ignored. */
export interface RegistryEvent {
  id?: string;
  action?: string;
  target?: {
    mediaType?: string;
    digest?: string;
    repository?: string;
    tag?: string;
  };
}

/** One image to register: a manifest or index pushed to a repository, with the tags it was pushed under. */
export interface PushedImage {
  repository: string;
  digest: string;
  tags: string[];
  /** How many events of the envelope name it (a push by digest, then one per tag). */
  events: number;
}

export interface EventSelection {
  images: PushedImage[];
  /** Events that register nothing: other actions, blob pushes, events without a repository or digest. */
  ignored: number;
}

/** The events of an envelope `{events: [...]}`; anything else is bad input, each problem named. */
export function eventsOf(body: unknown): RegistryEvent[] {
  const envelope = 'a registry notification envelope {"events": [...]}';
  if (!isObject(body))
    throw invalidInput([fieldProblem('body', 'type', `body must be ${envelope}`)]);
  const events = body.events;
  if (events === undefined || events === null)
    throw invalidInput([fieldProblem('events', 'required', `events is required in ${envelope}`)]);
  if (!Array.isArray(events))
    throw invalidInput([fieldProblem('events', 'type', 'events must be a list of events')]);
  throwIfInvalid(
    events.flatMap((event: unknown, i) =>
      isObject(event)
        ? []
        : [fieldProblem(`events[${i}]`, 'type', `events[${i}] must be an event object`)],
    ),
  );
  return events as RegistryEvent[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A push of an image manifest or index (OCI or Docker schema2), not of a layer or config blob. */
export function registersImage(event: RegistryEvent): boolean {
  const target = event.target;
  return (
    event.action === 'push' &&
    typeof target?.mediaType === 'string' &&
    (isImageManifestMediaType(target.mediaType) || isIndexMediaType(target.mediaType)) &&
    typeof target.repository === 'string' &&
    target.repository.length > 0 &&
    typeof target.digest === 'string' &&
    target.digest.length > 0
  );
}

/**
 * The images an envelope's events register, one per (repository, digest) in the order first seen,
 * with every tag pushed for it; the rest counted as ignored.
 */
export function selectPushedImages(events: RegistryEvent[]): EventSelection {
  const images = new Map<string, PushedImage>();
  let ignored = 0;
  for (const event of events) {
    if (!registersImage(event)) {
      ignored += 1;
      continue;
    }
    const { repository, digest, tag } = event.target as Required<RegistryEvent>['target'];
    const key = `${repository}@${digest}`;
    const image = images.get(key) ?? {
      repository: repository!,
      digest: digest!,
      tags: [],
      events: 0,
    };
    image.events += 1;
    if (typeof tag === 'string' && tag.length > 0 && !image.tags.includes(tag))
      image.tags.push(tag);
    images.set(key, image);
  }
  return { images: [...images.values()], ignored };
}
