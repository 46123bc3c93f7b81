import type { Schemas } from '../api/client';
import { useReferrers } from '../api/images';
import { Digest } from '../components/Digest';
import { QueryState } from '../components/QueryState';
import { Table } from '../components/Table';
import { formatBytes } from '../format';

type Location = Schemas['LocationReferrersView'];
type Referrer = Schemas['ReferrerView'];

/** Well-known artifact types, named as people know them; others are shown as they are. */
const KNOWN_TYPES: Array<[RegExp, string]> = [
  [/cosign\.artifact\.sig|dev\.sigstore|notary|\.signature/i, 'Signature'],
  [/spdx|cyclonedx|sbom/i, 'SBOM'],
  [/in-toto|attestation|provenance|slsa/i, 'Attestation'],
  [/vex/i, 'VEX'],
];

function kindOf(artifactType: string | null): string {
  if (artifactType === null) return 'Artifact (no type declared)';
  return KNOWN_TYPES.find(([pattern]) => pattern.test(artifactType))?.[1] ?? 'Artifact';
}

/** The image's referrers at every location: what a promotion carries along, and what is missing. */
export function ImageReferrers({ digest }: { digest: string }) {
  const referrers = useReferrers(digest);
  return (
    <section aria-labelledby="referrers">
      <h2 id="referrers">Referrers (signatures, SBOMs, attestations)</h2>
      <p className="muted">Read from each registry now.</p>
      <QueryState query={referrers}>
        {(found) =>
          found.locations.length === 0 ? (
            <p className="empty">The image has no known location.</p>
          ) : (
            <>
              {found.locations.map((location) => (
                <LocationReferrers
                  key={`${location.registry}/${location.repository}`}
                  location={location}
                />
              ))}
            </>
          )
        }
      </QueryState>
    </section>
  );
}

function LocationReferrers({ location }: { location: Location }) {
  const where = `${location.registry} · ${location.repository}`;
  if (location.error)
    return (
      <p role="alert">
        {where}: could not be read — {location.error.code}: {location.error.message}
      </p>
    );
  const rows = [
    ...(location.referrers ?? []).map((r) => ({ of: 'the image', referrer: r })),
    ...(location.platforms ?? []).flatMap((p) =>
      p.referrers.map((r) => ({ of: p.platform, referrer: r })),
    ),
  ];
  if (rows.length === 0) return <p className="empty">{where}: nothing refers to this image.</p>;
  return (
    <Table
      caption={`Referrers at ${where}`}
      head={['Kind', 'Artifact type', 'Of', 'Digest', 'Size']}
    >
      {rows.map(({ of, referrer }) => (
        <ReferrerRow key={`${of}/${referrer.digest}`} of={of} referrer={referrer} />
      ))}
    </Table>
  );
}

function ReferrerRow({ of, referrer }: { of: string; referrer: Referrer }) {
  return (
    <tr>
      <td>{kindOf(referrer.artifactType)}</td>
      <td>
        <code>{referrer.artifactType ?? '—'}</code>
      </td>
      <td>{of}</td>
      <td>
        <Digest digest={referrer.digest} />
      </td>
      <td>{formatBytes(referrer.size)}</td>
    </tr>
  );
}
