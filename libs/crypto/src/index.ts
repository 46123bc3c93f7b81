export { CryptoModule } from './crypto.module';
export { SecretBox } from './secret-box';
