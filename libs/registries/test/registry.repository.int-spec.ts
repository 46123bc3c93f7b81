import { constraintViolationOf, TransactionRunner } from '@airlock/persistence';
import { SecretBox } from '@airlock/crypto';
import {
  connectTestPostgres,
  createTestDatabase,
  type TestDatabase,
  type TestPostgres,
} from '@airlock/testing';
import { randomUUID } from 'node:crypto';
import { openCredentials, sealCredentials } from '../src/registry-credentials';
import { RegistryRepository, type NewRegistry } from '../src/registry.repository';

const box = SecretBox.fromConfig({ secretKey: 'ef'.repeat(32) });

function newRegistry(name: string, overrides: Partial<NewRegistry> = {}): NewRegistry {
  return {
    id: randomUUID(),
    name,
    url: 'http://127.0.0.1:1',
    role: 'prod',
    credentialsUsername: null,
    credentialsCiphertext: null,
    tlsCaPem: null,
    tlsInsecure: false,
    ...overrides,
  };
}

/** The rows RegistryRepository's statements answer, against real Postgres, held to their type. */
describe('RegistryRepository', () => {
  let db: TestDatabase;
  let pg: TestPostgres;
  let registries: RegistryRepository;
  let transactions: TransactionRunner;

  beforeAll(async () => {
    db = await createTestDatabase('registry_repository');
    pg = await connectTestPostgres(db.url);
    registries = new RegistryRepository(pg.database);
    transactions = pg.transactions;
  });

  afterAll(async () => {
    await pg?.close();
    await db?.drop();
  });

  it('answers Registry rows: every column, the ciphertext as bytes that open for that row', async () => {
    const id = randomUUID();
    const credentials = { username: 'robot', password: 'correct-horse' };
    const inserted = await registries.insert(
      newRegistry('prod-eu', {
        id,
        credentialsUsername: 'robot',
        credentialsCiphertext: sealCredentials(box, id, credentials),
        tlsCaPem: 'PEM',
      }),
    );
    expect(inserted).toEqual({
      id,
      name: 'prod-eu',
      url: 'http://127.0.0.1:1',
      role: 'prod',
      credentialsUsername: 'robot',
      credentialsCiphertext: expect.any(Buffer),
      tlsCaPem: 'PEM',
      tlsInsecure: false,
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
    });
    expect(inserted.credentialsCiphertext!.includes(Buffer.from(credentials.password))).toBe(false);
    expect(openCredentials(box, inserted)).toEqual(credentials);
    expect(await registries.findByName('prod-eu')).toEqual(inserted);
    expect(await registries.findById(id)).toEqual(inserted);
    expect(await registries.findByName('nope')).toBeNull();
    expect(await registries.findById(randomUUID())).toBeNull();
  });

  it('finds by names and lists by name', async () => {
    await registries.insert(newRegistry('ci', { role: 'ci' }));
    await registries.insert(newRegistry('archive', { role: 'archive' }));
    expect((await registries.list()).map((r) => r.name)).toEqual(['archive', 'ci', 'prod-eu']);
    expect((await registries.findByNames(['prod-eu', 'ghost', 'ci'])).map((r) => r.name)).toEqual([
      'ci',
      'prod-eu',
    ]);
    expect(await registries.findByNames([])).toEqual([]);
  });

  it('changes only the fields given and moves updated_at, also twice in one transaction', async () => {
    const before = (await registries.findByName('prod-eu'))!;
    const after = await registries.update(before.id, { url: 'https://r.example.com', role: 'ci' });
    expect(after).toEqual({
      ...before,
      url: 'https://r.example.com',
      role: 'ci',
      updatedAt: expect.any(Date),
    });
    expect(after.updatedAt.getTime()).toBeGreaterThan(before.updatedAt.getTime());
    const cleared = await transactions.run(async (tx) => {
      const first = await registries.update(before.id, { tlsInsecure: true }, tx);
      const second = await registries.update(
        before.id,
        { credentialsUsername: null, credentialsCiphertext: null, tlsCaPem: null },
        tx,
      );
      expect(second.updatedAt.getTime()).toBeGreaterThan(first.updatedAt.getTime());
      return second;
    });
    expect(cleared).toMatchObject({
      url: 'https://r.example.com',
      credentialsUsername: null,
      credentialsCiphertext: null,
      tlsCaPem: null,
      tlsInsecure: true,
    });
  });

  it('names the stages using a registry, and reports a blocked delete as a foreign-key violation', async () => {
    const ci = (await registries.findByName('ci'))!;
    await pg.query(
      `WITH s AS (INSERT INTO stages (name) VALUES ('qa'), ('build') RETURNING id)
       INSERT INTO stage_registries (stage_id, registry_id) SELECT id, $1 FROM s`,
      [ci.id],
    );
    expect(await registries.stagesUsing(ci.id)).toEqual(['build', 'qa']);
    const error = await registries.delete(ci.id).catch((e: unknown) => e);
    expect(constraintViolationOf(error)).toMatchObject({
      kind: 'foreignKey',
      table: 'stage_registries',
    });
    const archive = (await registries.findByName('archive'))!;
    expect(await registries.stagesUsing(archive.id)).toEqual([]);
    await registries.delete(archive.id);
    expect(await registries.findById(archive.id)).toBeNull();
  });
});
