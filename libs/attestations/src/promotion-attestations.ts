import { AirlockError } from '@airlock/errors';
import type { OciRegistry } from '@airlock/registry-client';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { attach, type Attached } from './attestation-layout';
import { IN_TOTO_PAYLOAD_TYPE, signEnvelope } from './dsse';
import { promotionStatement, type PromotionFacts } from './promotion-statement';
import { SigningKeys } from './signing-keys';

/**
 * Signs and attaches a promotion's attestation where it landed. Without a signing key this is a
 * no-op (said once in the log, at start): attestations are opt-in, a promotion never waits for one.
 */
@Injectable()
export class PromotionAttestations implements OnModuleInit {
  private readonly logger = new Logger(PromotionAttestations.name);

  constructor(private readonly keys: SigningKeys) {}

  onModuleInit(): void {
    if (!this.enabled)
      this.logger.log('no AIRLOCK_SIGNING_KEY: promotions land without attestations');
  }

  get enabled(): boolean {
    return this.keys.current !== null;
  }

  /** Attaches the signed attestation of `facts` to the digest in `registry`; null without a key. */
  async attest(registry: OciRegistry, facts: PromotionFacts): Promise<Attached | null> {
    const key = this.keys.current;
    if (!key) return null;
    const subject = await registry.headManifest(facts.target.repository, facts.digest);
    if (!subject)
      throw new AirlockError(
        'REGISTRY_NOT_FOUND',
        `${facts.target.registry}/${facts.target.repository}@${facts.digest} is not there to attest`,
      );
    const statement = Buffer.from(JSON.stringify(promotionStatement(facts)));
    const envelope = signEnvelope(IN_TOTO_PAYLOAD_TYPE, statement, key.key);
    return attach({
      registry,
      repository: facts.target.repository,
      subject,
      envelope: Buffer.from(JSON.stringify(envelope)),
      promotionId: facts.promotionId,
      stage: facts.target.stage,
      createdAt: facts.requestedAt,
    });
  }
}
