import { AuthModule } from '@airlock/auth';
import { Module } from '@nestjs/common';
import { TokensController } from './tokens.controller';
import { WhoamiController } from './whoami.controller';

@Module({ imports: [AuthModule], controllers: [TokensController, WhoamiController] })
export class TokensApiModule {}
