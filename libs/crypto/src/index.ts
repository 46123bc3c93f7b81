export { CryptoModule } from './crypto.module';
export { SecretBox, UNREADABLE_SECRET } from './secret-box';
