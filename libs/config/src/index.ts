export { AppConfig, LOG_LEVELS, type LogLevel } from './app-config';
export { ConfigError } from './config.errors';
export { ConfigModule } from './config.module';
export { configVariables, loadConfig } from './load-config';
export { redactUrl } from './redact-url';
export { API_TOKEN_PATTERN, decodeSecretKey, IsSecretKey, SECRET_KEY_BYTES } from './value-formats';
