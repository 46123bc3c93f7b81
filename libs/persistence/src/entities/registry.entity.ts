import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** The roles the `registries.role` CHECK constraint allows. */
export const REGISTRY_ROLES = ['sandbox', 'ci', 'prod', 'archive', 'upstream'] as const;
export type RegistryRole = (typeof REGISTRY_ROLES)[number];

/**
 * An OCI registry Airlock knows. The password is sealed (SecretBox) in `credentialsCiphertext`,
 * bound to the row id; the username is kept in clear so lists need no key.
 */
@Entity({ name: 'registries' })
export class Registry {
  /** Chosen by the service before insert, so the sealed credentials can be bound to it. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  url!: string;

  @Column({ type: 'text' })
  role!: RegistryRole;

  @Column({ name: 'credentials_username', type: 'text', nullable: true })
  credentialsUsername!: string | null;

  @Column({ name: 'credentials_ciphertext', type: 'bytea', nullable: true })
  credentialsCiphertext!: Buffer | null;

  @Column({ name: 'tls_ca_pem', type: 'text', nullable: true })
  tlsCaPem!: string | null;

  @Column({ name: 'tls_insecure', type: 'boolean', default: false })
  tlsInsecure!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
