import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type Repository } from 'typeorm';
import { Registry, type RegistryRole } from '../entities/registry.entity';
import { managerOf, type Transaction } from '../transaction';

export interface NewRegistry {
  id: string;
  name: string;
  url: string;
  role: RegistryRole;
  credentialsUsername: string | null;
  credentialsCiphertext: Buffer | null;
  tlsCaPem: string | null;
  tlsInsecure: boolean;
}

export type RegistryChanges = Partial<Omit<NewRegistry, 'id' | 'name'>>;

/** Every query on `registries`. The rules (validation, sealing, who may) live in @airlock/registries. */
@Injectable()
export class RegistryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(registry: NewRegistry, tx?: Transaction): Promise<Registry> {
    const repository = this.repository(tx);
    await repository.insert(registry);
    return repository.findOneByOrFail({ id: registry.id });
  }

  findByName(name: string, tx?: Transaction): Promise<Registry | null> {
    return this.repository(tx).findOneBy({ name });
  }

  findById(id: string, tx?: Transaction): Promise<Registry | null> {
    return this.repository(tx).findOneBy({ id });
  }

  findByNames(names: string[], tx?: Transaction): Promise<Registry[]> {
    return names.length === 0
      ? Promise.resolve([])
      : this.repository(tx).findBy({ name: In(names) });
  }

  /** By name; tens of rows per install, so no pagination. */
  list(): Promise<Registry[]> {
    return this.repository().find({ order: { name: 'ASC' } });
  }

  async update(id: string, changes: RegistryChanges, tx?: Transaction): Promise<Registry> {
    const repository = this.repository(tx);
    // `updated_at` moves on every change: RegistryClientFactory keys its cache on it.
    await repository.update({ id }, { ...changes, updatedAt: () => 'clock_timestamp()' });
    return repository.findOneByOrFail({ id });
  }

  /** Throws the database's foreign-key error while anything references the row (see constraintViolationOf). */
  async delete(id: string, tx?: Transaction): Promise<void> {
    await this.repository(tx).delete({ id });
  }

  /** Names of the stages the registry serves, by name. */
  async stagesUsing(id: string, tx?: Transaction): Promise<string[]> {
    const rows: Array<{ name: string }> = await managerOf(tx, this.dataSource.manager).query(
      `SELECT s.name FROM stage_registries sr JOIN stages s ON s.id = sr.stage_id WHERE sr.registry_id = $1 ORDER BY s.name`,
      [id],
    );
    return rows.map((row) => row.name);
  }

  private repository(tx?: Transaction): Repository<Registry> {
    return managerOf(tx, this.dataSource.manager).getRepository(Registry);
  }
}
