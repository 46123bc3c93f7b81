/** OCI/Docker platform of an image (the `platform` of an index entry). */
export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
}

/** An OCI content descriptor. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/**
 * A manifest (image, index or artifact) built in memory, content-addressed from the start: its
 * digest is the sha256 of `manifestBytes`, the exact bytes the pusher sends.
 */
export interface TestImage {
  mediaType: string;
  digest: string;
  manifestBytes: Buffer;
  /** Blobs this manifest references itself: config first, then layers (none for an index). */
  blobs: Descriptor[];
  layers: Descriptor[];
  /** sha256 of each uncompressed layer tar, as the config's rootfs.diff_ids lists them. */
  diffIds: string[];
  /** The bytes of every blob in `blobs`, by digest. */
  blobContents: Map<string, Buffer>;
  /** One entry for an image, one per child for an index, none for an artifact. */
  platforms: Platform[];
  /** Child images of an index, in index order. */
  children: TestImage[];
  artifactType?: string;
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** A TestImage after a push: where it now lives. */
export interface PushedImage extends TestImage {
  repository: string;
  tags: string[];
}
