/** A repository of a registry that held a blob when Airlock last looked. */
export interface BlobLocation {
  digest: string;
  repository: string;
}

/**
 * Where blobs live in each registry, as Airlock learned it from its own copies, mounts and skips:
 * the memory that lets a copy mount a blob from another repository of the target registry
 * instead of streaming it again (what skopeo's blob-info cache does). A remembered location is a
 * hint, never trusted: the mount itself says whether the blob is there (201), and a declined
 * mount (202) forgets it. Keyed by the registry's origin (scheme, host and port), the identity the
 * copy engine knows registries by.
 */
export interface BlobLocations {
  /** For each digest, repositories of the registry at `origin` known to hold it, newest first. */
  find(origin: string, digests: string[]): Promise<Map<string, string[]>>;
  /** These repositories of `origin` hold these blobs now. */
  remember(origin: string, locations: BlobLocation[]): Promise<void>;
  /** `repository` of `origin` turned out not to hold `digest` (deleted, or garbage collected). */
  forget(origin: string, location: BlobLocation): Promise<void>;
}

/** No memory: each copy knows only its own source and `mountFrom` (the engine's default). */
export const NO_BLOB_LOCATIONS: BlobLocations = {
  find: () => Promise.resolve(new Map()),
  remember: () => Promise.resolve(),
  forget: () => Promise.resolve(),
};
