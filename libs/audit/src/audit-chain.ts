import { Database, sql } from '@airlock/persistence';
import { readQuery } from '@airlock/validation';
import { Injectable } from '@nestjs/common';

/** Entries read per statement while the chain is walked. */
export const CHAIN_PAGE = 2000;
/** The `prev_hash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** Why the chain does not hold at an entry. */
export type ChainBreak =
  /** The entry's content no longer hashes to its stored hash: it was edited. */
  | 'content'
  /** The entry does not link to the one before it: one was removed, edited or put in between. */
  | 'link'
  /** The chain's head names an entry that is not there: the newest entries were removed. */
  | 'head'
  /** The entry an earlier verify reported (the anchor) has another hash now: rewritten since. */
  | 'anchor';

export interface AuditChainReport {
  /** True when every entry up to the head hashes and links as written. */
  ok: boolean;
  /** Entries checked, oldest first, up to the first break. */
  checked: number;
  /** The newest link: keep it elsewhere and pass it as `anchor` later to detect a rewrite. */
  head: { seq: string; hash: string };
  /** The first entry that does not match, or null. */
  broken: {
    reason: ChainBreak;
    /** The audit event's id; null when the entry is missing. */
    id: string | null;
    seq: string;
    message: string;
  } | null;
}

interface ChainRow {
  id: string;
  seq: string;
  prevHash: string;
  hash: string;
  /** sha256(prev_hash ‖ content) as the database computes it now. */
  computed: string;
}

/** `anchor=<seq>:<sha256 hex>`: an entry's hash as an earlier verify reported it. */
export interface ChainAnchor {
  seq: string;
  hash: string;
}

/**
 * Walks the audit log's hash chain (migration AuditChain1796600000000 writes it): each entry's
 * hash must be sha256(its prev_hash ‖ its content), its prev_hash the hash of the entry before
 * it, the sequence without gaps, and the head must be the newest entry. The first entry that
 * fails is named. What a rewrite of the whole chain from some entry on cannot hide is an anchor
 * kept outside the database: `anchor` checks an earlier head still stands.
 */
@Injectable()
export class AuditChain {
  constructor(private readonly db: Database) {}

  /** `query` as the request sent it (`anchor`). */
  async verify(query: unknown = {}): Promise<AuditChainReport> {
    const { anchor } = readChainQuery(query);
    const head = (await this.db.one<{ seq: string; hash: string }>(
      sql`SELECT seq::text AS "seq", encode(hash, 'hex') AS "hash" FROM audit_chain_head`,
    ))!;
    const walked = await this.walk(BigInt(head.seq), anchor);
    const { last, checked } = walked;
    let broken = walked.broken;
    if (!broken && (last.seq.toString() !== head.seq || last.hash !== head.hash))
      broken = {
        reason: 'head',
        id: null,
        seq: head.seq,
        message: `the chain ends at #${last.seq}, its head names #${head.seq}: newer entries are gone`,
      };
    if (!broken && anchor && BigInt(anchor.seq) > last.seq)
      broken = {
        reason: 'anchor',
        id: null,
        seq: anchor.seq,
        message: `the anchor names #${anchor.seq}, the chain ends at #${head.seq}`,
      };
    return { ok: broken === null, checked, head, broken };
  }

  /** Entry by entry up to `end`: the first that breaks, and the last that held. */
  private async walk(
    end: bigint,
    anchor: ChainAnchor | undefined,
  ): Promise<{
    broken: AuditChainReport['broken'];
    last: { seq: bigint; hash: string };
    checked: number;
  }> {
    let last = { seq: 0n, hash: GENESIS_HASH };
    let checked = 0;
    while (last.seq < end) {
      const rows = await this.page(last.seq, end);
      if (rows.length === 0) break;
      for (const row of rows) {
        const broken = checkEntry(row, last, anchor);
        if (broken) return { broken, last, checked };
        checked += 1;
        last = { seq: BigInt(row.seq), hash: row.hash };
      }
    }
    return { broken: null, last, checked };
  }

  private page(after: bigint, last: bigint): Promise<ChainRow[]> {
    return this.db.rows<ChainRow>(
      sql`SELECT id::text AS "id", chain_seq::text AS "seq",
                 encode(prev_hash, 'hex') AS "prevHash", encode(hash, 'hex') AS "hash",
                 encode(sha256(prev_hash || airlock_audit_content(e)), 'hex') AS "computed"
            FROM audit_events e
           WHERE chain_seq > ${after.toString()}::bigint AND chain_seq <= ${last.toString()}::bigint
           ORDER BY chain_seq LIMIT ${CHAIN_PAGE}`,
    );
  }
}

/** Why `row` does not follow `previous`, or null when it does. */
function checkEntry(
  row: ChainRow,
  previous: { seq: bigint; hash: string },
  anchor: ChainAnchor | undefined,
): AuditChainReport['broken'] {
  if (BigInt(row.seq) !== previous.seq + 1n)
    return {
      reason: 'link',
      id: null,
      seq: (previous.seq + 1n).toString(),
      message: `the entry after #${previous.seq} is missing`,
    };
  if (row.prevHash !== previous.hash)
    return broken('link', row, `entry ${row.id} does not link to the entry before it`);
  if (row.computed !== row.hash)
    return broken('content', row, `entry ${row.id} was changed after it was written`);
  if (anchor && row.seq === anchor.seq && row.hash !== anchor.hash)
    return broken('anchor', row, `entry ${row.id} is not the one the anchor names: rewritten`);
  return null;
}

function broken(reason: ChainBreak, row: ChainRow, message: string): AuditChainReport['broken'] {
  return { reason, id: row.id, seq: row.seq, message };
}

const ANCHOR = /^([1-9][0-9]{0,18}):([0-9a-f]{64})$/;

export function readChainQuery(query: unknown): { anchor?: ChainAnchor } {
  return readQuery(query, (r) => {
    const text = r.string('anchor', {
      pattern: { regex: ANCHOR, describe: '<seq>:<64 hex digits>, as a verify reported its head' },
    });
    const match = text === undefined ? null : ANCHOR.exec(text);
    return match ? { anchor: { seq: match[1]!, hash: match[2]! } } : {};
  });
}
