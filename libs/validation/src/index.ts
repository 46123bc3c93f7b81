export {
  fieldPath,
  fieldProblem,
  invalidInput,
  throwIfInvalid,
  type FieldProblem,
} from './field-problem';
export { checkJsonDocument, MAX_JSON_DEPTH } from './json-document';
export { decodeCursor, encodeCursor, isPossibleStamp, type KeysetPosition } from './keyset-cursor';
export {
  ObjectReader,
  readInput,
  readQuery,
  type IntegerOptions,
  type ListOptions,
  type StringOptions,
} from './input-reader';
export { FIELD_RULE_NAMES, FIELD_RULES, type FieldRule } from './rules';
