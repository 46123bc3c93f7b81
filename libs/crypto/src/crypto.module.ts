import { AppConfig } from '@airlock/config';
import { Module } from '@nestjs/common';
import { SecretBox } from './secret-box';

/** The SecretBox built from the validated configuration, for features that store secrets. */
@Module({
  providers: [
    {
      provide: SecretBox,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => SecretBox.fromConfig(config),
    },
  ],
  exports: [SecretBox],
})
export class CryptoModule {}
