export { CryptoModule } from './crypto.module';
export { SecretBox, UnreadableSecretError } from './secret-box';
