export {
  fieldPath,
  fieldProblem,
  invalidInput,
  throwIfInvalid,
  type FieldProblem,
} from './field-problem';
export { checkJsonDocument, MAX_JSON_DEPTH } from './json-document';
export { decodeCursor, encodeCursor, isPossibleStamp, type KeysetPosition } from './keyset-cursor';
