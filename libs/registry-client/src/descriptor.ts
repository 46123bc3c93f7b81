/** OCI image-spec platform (index entries). */
export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

/** OCI content descriptor. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  artifactType?: string;
  platform?: Platform;
  urls?: string[];
}

/** A manifest exactly as the registry served it: the bytes are the identity. */
export interface RawManifest {
  mediaType: string;
  /** sha256 of `bytes`, `sha256:<hex>`. */
  digest: string;
  bytes: Buffer;
}

/** The parts of a manifest or index the copy engine walks. */
export type ParsedManifest =
  | {
      kind: 'image';
      mediaType: string;
      config: Descriptor;
      layers: Descriptor[];
      subject?: Descriptor;
      artifactType?: string;
      annotations?: Record<string, string>;
    }
  | {
      kind: 'index';
      mediaType: string;
      manifests: Descriptor[];
      subject?: Descriptor;
      artifactType?: string;
      annotations?: Record<string, string>;
    };
