import { Link } from 'react-router-dom';
import { shortDigest } from '../format';

/** sha256: and 12 hex digits, the whole digest in its title; a link to its image page if asked. */
export function Digest({ digest, link = false }: { digest: string; link?: boolean }) {
  const code = (
    <code className="digest" title={digest}>
      {shortDigest(digest)}
    </code>
  );
  return link ? <Link to={imagePath(digest)}>{code}</Link> : code;
}

export const imagePath = (digest: string): string => `/images/${digest}`;
