export { AirlockError, errorSummary, type AirlockErrorOptions } from './airlock-error';
export {
  ERROR_CODE_FACTS,
  ERROR_CODES,
  factsOf,
  type ErrorCode,
  type ErrorCodeFacts,
} from './error-code';
