import { createHash } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { TlsSettings } from './http-types';

const MAX_SOCKETS = 16;
/**
 * How much a socket buffers before `write` asks its writer to wait. Node's 16 KiB is less than
 * one 64 KiB network read, so a blob upload paused and resumed its source for every chunk, and a
 * burst of chunks (see ResumingBlobSource) could not go out as one writev.
 */
const SOCKET_WRITE_BUFFER = 512 * 1024;

/**
 * Keep-alive agents by origin and TLS settings, shared by every client in the process: a copy job
 * builds clients freely, yet connections to one registry are pooled and capped at MAX_SOCKETS.
 */
const agents = new Map<string, HttpAgent>();

export function agentFor(url: URL, tls: TlsSettings): HttpAgent {
  const key = `${url.origin}|${tls.insecure ? 'insecure' : 'verify'}|${fingerprint(tls.caPem)}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = url.protocol === 'https:' ? createHttpsAgent(tls) : new HttpAgent(poolOptions());
    agents.set(key, agent);
  }
  return agent;
}

/** Closes every pooled connection (process shutdown, test teardown); agents are rebuilt on demand. */
export function destroyAgents(): void {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}

interface PoolOptions {
  keepAlive: true;
  maxSockets: number;
  scheduling: 'lifo';
  /** Passed on to each socket (net.Socket takes Duplex options); missing from @types/node. */
  writableHighWaterMark: number;
}

function poolOptions(): PoolOptions {
  // lifo: reuse the warmest socket, let surplus ones time out.
  return {
    keepAlive: true,
    maxSockets: MAX_SOCKETS,
    scheduling: 'lifo',
    writableHighWaterMark: SOCKET_WRITE_BUFFER,
  };
}

function createHttpsAgent(tls: TlsSettings): HttpsAgent {
  // `ca` replaces Node's trust store rather than extending it, hence the root certificates.
  const ca = tls.caPem ? [...rootCertificates, tls.caPem] : undefined;
  return new HttpsAgent({ ...poolOptions(), ca, rejectUnauthorized: !tls.insecure });
}

function fingerprint(pem: string | undefined): string {
  return pem ? createHash('sha256').update(pem).digest('hex').slice(0, 16) : '-';
}
