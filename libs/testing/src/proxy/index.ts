export { FaultProxy, type FaultProxyOptions, type ProxiedRequest } from './fault-proxy';
export type {
  CorruptByteFault,
  DelayFault,
  FaultHandle,
  FaultKind,
  FaultMatch,
  FaultRule,
  OciErrorBody,
  ResetAfterBytesFault,
  ResetFault,
  StatusFault,
} from './fault-rule';
