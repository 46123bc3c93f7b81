import type { AuditService } from '@airlock/audit';
import type { TransactionRunner } from '@airlock/persistence';
import type { ApiTokenRepository, ApiTokenRow } from './api-token.repository';
import { generateToken } from './token-format';
import { TokensService } from './tokens.service';

const actor = { tokenId: 'admin-1', name: 'admin', requestId: undefined };
const TOKEN_ID = '00000000-0000-4000-8000-000000000001';

function fixture() {
  const row: ApiTokenRow = {
    id: TOKEN_ID,
    name: 'jenkins',
    role: 'ci',
    tokenPrefix: 'alk_abcdefgh',
    createdBy: null,
    createdAt: new Date(),
    lastUsedAt: new Date(),
    revokedAt: null,
  };
  const tokens = {
    findByHash: jest.fn(async () => ({ ...row })),
    findById: jest.fn(async () => ({ ...row })),
    markRevoked: jest.fn(async () => {
      row.revokedAt = new Date();
      return { ...row };
    }),
    touchLastUsed: jest.fn(async () => undefined),
  };
  const transactions = { run: jest.fn((work: (tx: unknown) => unknown) => work({})) };
  const audit = { record: jest.fn(async () => ({})) };
  const service = new TokensService(
    tokens as unknown as ApiTokenRepository,
    transactions as unknown as TransactionRunner,
    audit as unknown as AuditService,
  );
  return { service, tokens };
}

describe('TokensService.authenticate', () => {
  it('looks a token up once, then answers repeated requests from memory', async () => {
    const { service, tokens } = fixture();
    const token = generateToken();
    const first = await service.authenticate(token);
    const second = await service.authenticate(token);
    expect(second).toEqual(first);
    expect(first).toEqual({ tokenId: TOKEN_ID, name: 'jenkins', role: 'ci' });
    expect(tokens.findByHash).toHaveBeenCalledTimes(1);
  });

  it('refuses a token revoked in this process at once, cached or not', async () => {
    const { service, tokens } = fixture();
    const token = generateToken();
    await service.authenticate(token);
    await service.revoke(TOKEN_ID, actor);
    await expect(service.authenticate(token)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      details: { reason: 'revokedToken' },
    });
    expect(tokens.findByHash).toHaveBeenCalledTimes(2);
  });

  it('never caches a failed lookup', async () => {
    const { service, tokens } = fixture();
    tokens.findByHash.mockResolvedValue(null as never);
    const token = generateToken();
    await expect(service.authenticate(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(service.authenticate(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(tokens.findByHash).toHaveBeenCalledTimes(2);
  });
});
