import type { DependentRow } from './drift.repository';

/** One spelling of a base: a tag of a repository in a registry Airlock knows. */
export interface BaseLocation {
  /** Canonical image name, `<host>/<repository>:<tag>`. */
  name: string;
  registry: string;
  repository: string;
  tag: string;
}

/** A registry and repository holding a dependent. */
export interface DependentLocation {
  registry: string;
  repository: string;
}

export interface DependentView {
  imageId: string;
  repository: string;
  digest: string;
  baseName: string;
  baseDigest: string | null;
  stages: string[];
  locations: DependentLocation[];
  build: Record<string, unknown>;
}

/** The payload of `base-image.updated`. */
export interface BaseUpdatedEvent {
  base: BaseLocation & { digest: string; previousDigest: string | null };
  archive: Array<BaseLocation & { reference: string }>;
  dependents: DependentView[];
}

/** A base as the drift report shows it: where its name points now. */
export interface DriftBase extends BaseLocation {
  digest: string;
  /** When Airlock last saw or wrote the tag. */
  updatedAt: Date;
}

/** A base name images declare that Airlock cannot follow, with how many declare it. */
export interface UntrackedBase {
  name: string;
  images: number;
}

export interface DriftItem {
  base: DriftBase;
  /** Images declaring this base, built on another digest: rebuild these. */
  dependents: DependentView[];
}

export interface DriftReport {
  items: DriftItem[];
  /** Base names images declare that Airlock cannot follow: no registry with that host, or a tag never seen. */
  untracked: UntrackedBase[];
}

export function toDependentView(row: DependentRow): DependentView {
  return {
    imageId: row.imageId,
    repository: row.repository,
    digest: row.digest,
    baseName: row.baseName,
    baseDigest: row.baseDigest,
    stages: row.stages,
    locations: row.locations,
    build: row.build,
  };
}
