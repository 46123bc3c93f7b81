import type { PublishedKey } from '@airlock/attestations';
import { ApiProperty } from '@nestjs/swagger';

export class SigningKeyView implements PublishedKey {
  @ApiProperty({
    example: 'a'.repeat(64),
    description: 'sha256 of the SubjectPublicKeyInfo (DER), hex: the DSSE `keyid`.',
  })
  keyId!: string;

  @ApiProperty({ enum: ['ecdsa-p256', 'ed25519'] })
  algorithm!: string;

  @ApiProperty({ example: '-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----\n' })
  publicKeyPem!: string;

  @ApiProperty({
    description: 'New attestations are signed with this one; the others verify older ones.',
  })
  current!: boolean;
}

export class SigningKeysView {
  @ApiProperty({ type: [SigningKeyView], description: 'Empty when no signing key is configured.' })
  keys!: SigningKeyView[];
}
