import { AppConfig } from '@airlock/config';
import { Module } from '@nestjs/common';
import { PromotionAttestations } from './promotion-attestations';
import { SigningKeys } from './signing-keys';

/** The signing keys from the validated configuration, and the promotion attestations made with them. */
@Module({
  providers: [
    {
      provide: SigningKeys,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => SigningKeys.fromSettings(config),
    },
    PromotionAttestations,
  ],
  exports: [SigningKeys, PromotionAttestations],
})
export class AttestationsModule {}
