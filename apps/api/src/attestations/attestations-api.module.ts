import { AttestationsModule } from '@airlock/attestations';
import { Module } from '@nestjs/common';
import { SigningKeysController } from './signing-keys.controller';

@Module({ imports: [AttestationsModule], controllers: [SigningKeysController] })
export class AttestationsApiModule {}
