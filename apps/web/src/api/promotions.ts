import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { api, unwrap, type Schemas } from './client';
import { usePromotionStream } from './promotion-stream';
import type { paths } from './schema';

export type Promotion = Schemas['PromotionView'];
/** What the form asks for; `dryRun` is the call's to set. */
export type PromotionBody = Omit<Schemas['RequestPromotionBody'], 'dryRun'>;
export type Plan = Schemas['DryRunView'];
type PromotionQuery = NonNullable<paths['/api/v1/promotions']['get']['parameters']['query']>;
export type PromotionFilters = Omit<PromotionQuery, 'cursor' | 'limit'>;

export const TERMINAL: ReadonlySet<string> = new Set(['succeeded', 'failed', 'cancelled']);
export const POLL_MS = 1_000;

export function usePromotions(filters: PromotionFilters, cursor: string | undefined) {
  return useQuery({
    queryKey: ['promotions', filters, cursor],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/promotions', { params: { query: { ...filters, cursor, limit: 50 } } }),
      ),
    placeholderData: keepPreviousData,
  });
}

/**
 * One promotion, followed live until it reaches a terminal status: its event stream while that
 * is open, polled every second while it is not.
 */
export function usePromotion(id: string) {
  const live = useRef(false);
  const query = useQuery({
    queryKey: ['promotion', id],
    queryFn: () => unwrap(api.GET('/api/v1/promotions/{id}', { params: { path: { id } } })),
    refetchInterval: (q) =>
      live.current || (q.state.data && TERMINAL.has(q.state.data.status)) ? false : POLL_MS,
  });
  const status = query.data?.status;
  live.current = usePromotionStream(id, status !== undefined && !TERMINAL.has(status));
  return query;
}

/** Cancel or retry; the answer is the promotion as it is now. */
export function usePromotionAction(id: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (action: 'cancel' | 'retry') =>
      unwrap(
        action === 'cancel'
          ? api.POST('/api/v1/promotions/{id}/cancel', { params: { path: { id } } })
          : api.POST('/api/v1/promotions/{id}/retry', { params: { path: { id } } }),
      ),
    onSuccess: (promotion) => {
      queries.setQueryData(['promotion', id], promotion);
      return queries.invalidateQueries({ queryKey: ['promotions'] });
    },
  });
}

/** The dry run: the plan per target registry and the policy's verdict; nothing is written. */
export function usePlan() {
  return useMutation({
    mutationFn: async (body: PromotionBody): Promise<Plan> => {
      const answer = await unwrap(
        api.POST('/api/v1/promotions', { body: { ...body, dryRun: true } }),
      );
      if (!('dryRun' in answer)) throw new Error('The dry run answered a promotion');
      return answer;
    },
  });
}

/** The promotion itself; the same Idempotency-Key (one per plan) replays the first answer. */
export function usePromote() {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: async ({ body, key }: { body: PromotionBody; key: string }): Promise<Promotion> => {
      const answer = await unwrap(
        api.POST('/api/v1/promotions', {
          body: { ...body, dryRun: false },
          params: { header: { 'Idempotency-Key': key } },
        }),
      );
      if ('dryRun' in answer) throw new Error('The promotion answered a dry run');
      return answer;
    },
    onSuccess: (promotion) => {
      queries.setQueryData(['promotion', promotion.id], promotion);
      return Promise.all([
        queries.invalidateQueries({ queryKey: ['promotions'] }),
        queries.invalidateQueries({ queryKey: ['board'] }),
      ]);
    },
  });
}
