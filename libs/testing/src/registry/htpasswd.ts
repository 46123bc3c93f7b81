import { writeFile } from 'node:fs/promises';
import { hash } from 'bcryptjs';
import type { RegistryUser } from './registry-user';

// Cost 5 keeps startup fast; distribution accepts any bcrypt cost ($2a$/$2b$ alike).
const BCRYPT_COST = 5;

/** Writes an htpasswd file (bcrypt only: distribution rejects other hash schemes). */
export async function writeHtpasswd(path: string, users: RegistryUser[]): Promise<void> {
  const lines = await Promise.all(
    users.map(async (u) => `${u.username}:${await hash(u.password, BCRYPT_COST)}`),
  );
  await writeFile(path, `${lines.join('\n')}\n`);
}
