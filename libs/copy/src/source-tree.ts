import { AirlockError } from '@airlock/errors';
import {
  formatPlatform,
  parseManifest,
  type Descriptor,
  type OciRegistry,
  type ParsedManifest,
  type Platform,
  type RawManifest,
} from '@airlock/registry-client';
import { sha256Digest } from './digest';
import type { CopyMode } from './copy-types';
import { mapLimit } from './map-limit';
import { platformWanted } from './platform-match';

export interface ManifestNode {
  raw: RawManifest;
  parsed: ParsedManifest;
  children: ManifestNode[];
}

/** Everything a copy writes, read and verified from the source before anything is written. */
export interface SourceTree {
  root: ManifestNode;
  /** Manifests in write order: children before their index, the root last. */
  manifests: RawManifest[];
  /** Unique blobs, largest first. */
  blobs: Descriptor[];
  platforms: Platform[];
  mode: CopyMode;
}

/** Blobs a registry never stores (Windows foreign layers): they are not copied. */
const NON_DISTRIBUTABLE = /foreign|nondistributable/;

export async function readSourceTree(
  registry: OciRegistry,
  repository: string,
  digest: string,
  platforms?: Platform[],
): Promise<SourceTree> {
  const root = await readNode(registry, repository, digest);
  let tree = root;
  let mode: CopyMode = root.parsed.kind === 'index' ? 'index' : 'image';
  if (platforms?.length && root.parsed.kind === 'index') {
    tree = selectPlatforms(root, platforms);
    mode = 'platform-subset';
  }
  const { manifests, blobs } = collectTree(tree);
  return {
    root: tree,
    manifests,
    blobs,
    platforms:
      tree.parsed.kind === 'index'
        ? tree.parsed.manifests.flatMap((m) => (m.platform ? [m.platform] : []))
        : [],
    mode,
  };
}

/** Reads a manifest and, for an index, its children (and theirs), verifying every digest. */
export async function readNode(
  registry: OciRegistry,
  repository: string,
  digest: string,
): Promise<ManifestNode> {
  const raw = await registry.getManifest(repository, digest);
  const parsed = parseManifest(raw);
  const children =
    parsed.kind === 'index'
      ? await mapLimit(parsed.manifests, 4, (child) => readNode(registry, repository, child.digest))
      : [];
  return { raw, parsed, children };
}

/** A node's manifests in write order (children before their index) and its unique blobs, largest first. */
export function collectTree(node: ManifestNode): { manifests: RawManifest[]; blobs: Descriptor[] } {
  const manifests: RawManifest[] = [];
  const blobs = new Map<string, Descriptor>();
  collect(node, manifests, blobs);
  return { manifests, blobs: [...blobs.values()].sort((a, b) => b.size - a.size) };
}

function collect(
  node: ManifestNode,
  manifests: RawManifest[],
  blobs: Map<string, Descriptor>,
): void {
  for (const child of node.children) collect(child, manifests, blobs);
  if (node.parsed.kind === 'image') {
    for (const blob of [node.parsed.config, ...node.parsed.layers]) {
      if (!NON_DISTRIBUTABLE.test(blob.mediaType)) blobs.set(blob.digest, blob);
    }
  }
  manifests.push(node.raw);
}

/**
 * A new index holding only the wanted platforms. Its bytes — and so its digest — differ from the
 * source's; every other field of the index is kept as it was.
 */
function selectPlatforms(root: ManifestNode, wanted: Platform[]): ManifestNode {
  if (root.parsed.kind !== 'index') return root;
  const keep = root.parsed.manifests.map((m) => platformWanted(m.platform, wanted));
  if (!keep.some(Boolean)) {
    throw new AirlockError(
      'INVALID_INPUT',
      `none of the platforms ${wanted.map(formatPlatform).join(', ')} is in the source index`,
      {
        details: {
          available: root.parsed.manifests.flatMap((m) =>
            m.platform ? [formatPlatform(m.platform)] : [],
          ),
        },
      },
    );
  }
  const document = JSON.parse(root.raw.bytes.toString('utf8')) as { manifests: unknown[] };
  document.manifests = document.manifests.filter((_, i) => keep[i]);
  const bytes = Buffer.from(JSON.stringify(document, null, 2));
  const raw: RawManifest = { mediaType: root.raw.mediaType, digest: sha256Digest(bytes), bytes };
  return { raw, parsed: parseManifest(raw), children: root.children.filter((_, i) => keep[i]) };
}
