import { columns, Database, join, raw, sql, type Transaction } from '@airlock/persistence';
import { Injectable } from '@nestjs/common';

/** The roles the `registries.role` CHECK constraint allows. */
export const REGISTRY_ROLES = ['sandbox', 'ci', 'prod', 'archive', 'upstream'] as const;
export type RegistryRole = (typeof REGISTRY_ROLES)[number];

/**
 * One `registries` row: an OCI registry Airlock knows. The password is sealed (SecretBox) in
 * `credentialsCiphertext`, bound to the row id, before any statement carries it; the username
 * is kept in clear so lists need no key. Features that talk to a registry hand this row to
 * RegistryClientFactory.
 */
export interface Registry {
  /** Chosen by the service before insert, so the sealed credentials can be bound to it. */
  id: string;
  name: string;
  url: string;
  role: RegistryRole;
  credentialsUsername: string | null;
  credentialsCiphertext: Buffer | null;
  tlsCaPem: string | null;
  tlsInsecure: boolean;
  createdAt: Date;
  /** Moves on every change: RegistryClientFactory keys its client cache on it. */
  updatedAt: Date;
}

export type NewRegistry = Omit<Registry, 'createdAt' | 'updatedAt'>;

export type RegistryChanges = Partial<Omit<NewRegistry, 'id' | 'name'>>;

const REGISTRY = columns<Registry>({
  id: 'id',
  name: 'name',
  url: 'url',
  role: 'role',
  credentialsUsername: 'credentials_username',
  credentialsCiphertext: 'credentials_ciphertext',
  tlsCaPem: 'tls_ca_pem',
  tlsInsecure: 'tls_insecure',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
});

/** The column of each changeable field, in the order an UPDATE sets them. */
const CHANGEABLE: { [K in keyof RegistryChanges]-?: string } = {
  url: 'url',
  role: 'role',
  credentialsUsername: 'credentials_username',
  credentialsCiphertext: 'credentials_ciphertext',
  tlsCaPem: 'tls_ca_pem',
  tlsInsecure: 'tls_insecure',
};

/** `registries`: the only reader and writer. The rules (input, sealing, who may) are RegistriesService's. */
@Injectable()
export class RegistryRepository {
  constructor(private readonly db: Database) {}

  async insert(registry: NewRegistry, tx?: Transaction): Promise<Registry> {
    return (await this.db.one<Registry>(
      sql`INSERT INTO registries (id, name, url, role, credentials_username,
                                  credentials_ciphertext, tls_ca_pem, tls_insecure)
          VALUES (${registry.id}, ${registry.name}, ${registry.url}, ${registry.role},
                  ${registry.credentialsUsername}, ${registry.credentialsCiphertext},
                  ${registry.tlsCaPem}, ${registry.tlsInsecure})
          RETURNING ${REGISTRY}`,
      tx,
    ))!;
  }

  findByName(name: string, tx?: Transaction): Promise<Registry | null> {
    return this.db.one<Registry>(sql`SELECT ${REGISTRY} FROM registries WHERE name = ${name}`, tx);
  }

  findById(id: string, tx?: Transaction): Promise<Registry | null> {
    return this.db.one<Registry>(sql`SELECT ${REGISTRY} FROM registries WHERE id = ${id}`, tx);
  }

  /** The registries of these names that exist, by name. */
  findByNames(names: string[], tx?: Transaction): Promise<Registry[]> {
    if (names.length === 0) return Promise.resolve([]);
    return this.db.rows<Registry>(
      sql`SELECT ${REGISTRY} FROM registries WHERE name = ANY(${names}::text[]) ORDER BY name`,
      tx,
    );
  }

  /** By name; tens of rows per install, so no pagination. */
  list(tx?: Transaction): Promise<Registry[]> {
    return this.db.rows<Registry>(sql`SELECT ${REGISTRY} FROM registries ORDER BY name`, tx);
  }

  /** Sets the fields given (undefined ones stay); `updated_at` moves whatever changed. */
  async update(id: string, changes: RegistryChanges, tx?: Transaction): Promise<Registry> {
    const sets = (Object.keys(CHANGEABLE) as Array<keyof RegistryChanges>)
      .filter((field) => changes[field] !== undefined)
      .map((field) => sql`${raw(CHANGEABLE[field])} = ${changes[field]}`);
    // clock_timestamp(), not now(): two changes in one transaction still differ. At least a
    // millisecond later than before: RegistryClientFactory keys its clients by the time in
    // milliseconds (a Date), so two changes within one millisecond must still tell apart.
    sets.push(
      raw(`updated_at = greatest(clock_timestamp(), updated_at + interval '1 millisecond')`),
    );
    return (await this.db.one<Registry>(
      sql`UPDATE registries SET ${join(sets)} WHERE id = ${id} RETURNING ${REGISTRY}`,
      tx,
    ))!;
  }

  /** Throws the database's foreign-key error while anything references the row (see constraintViolationOf). */
  async delete(id: string, tx?: Transaction): Promise<void> {
    await this.db.run(sql`DELETE FROM registries WHERE id = ${id}`, tx);
  }

  /**
   * Names of the stages the registry serves, by name. Reads the stages' membership table: stages
   * depend on registries, so RegistriesService cannot ask StagesService (it would be a cycle).
   */
  async stagesUsing(id: string, tx?: Transaction): Promise<string[]> {
    const rows = await this.db.rows<{ name: string }>(
      sql`SELECT s.name FROM stage_registries sr JOIN stages s ON s.id = sr.stage_id
           WHERE sr.registry_id = ${id} ORDER BY s.name`,
      tx,
    );
    return rows.map((row) => row.name);
  }
}
