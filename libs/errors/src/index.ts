export { AirlockError, errorSummary, type AirlockErrorOptions } from './airlock-error';
export { ERROR_CODES, type ErrorCode } from './error-code';
