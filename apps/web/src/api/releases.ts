import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from './client';
import { POLL_MS, TERMINAL } from './promotions';

export type Release = Schemas['ReleaseView'];

export function useReleases(cursor: string | undefined) {
  return useQuery({
    queryKey: ['releases', cursor],
    queryFn: () =>
      unwrap(api.GET('/api/v1/releases', { params: { query: { cursor, limit: 50 } } })),
    placeholderData: keepPreviousData,
  });
}

/** One release with its items, polled every second until it ends. */
export function useRelease(id: string) {
  return useQuery({
    queryKey: ['release', id],
    queryFn: () => unwrap(api.GET('/api/v1/releases/{id}', { params: { path: { id } } })),
    refetchInterval: (query) =>
      query.state.data && TERMINAL.has(query.state.data.status) ? false : POLL_MS,
  });
}

export function useReleaseAction(id: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (action: 'cancel' | 'retry') =>
      unwrap(
        action === 'cancel'
          ? api.POST('/api/v1/releases/{id}/cancel', { params: { path: { id } } })
          : api.POST('/api/v1/releases/{id}/retry', { params: { path: { id } } }),
      ),
    onSuccess: (release) => {
      queries.setQueryData(['release', id], release);
      return queries.invalidateQueries({ queryKey: ['releases'] });
    },
  });
}

export type ReleaseBody = Omit<Schemas['RequestReleaseBody'], 'dryRun'>;
export type ReleasePlan = Schemas['ReleaseDryRunView'];

/** The release's dry run: every item judged and planned; nothing is written. */
export function useReleasePlan() {
  return useMutation({
    mutationFn: async (body: ReleaseBody): Promise<ReleasePlan> => {
      const answer = await unwrap(
        api.POST('/api/v1/releases', { body: { ...body, dryRun: true } }),
      );
      if (!('dryRun' in answer)) throw new Error('The dry run answered a release');
      return answer;
    },
  });
}

/** The release itself, under the plan's Idempotency-Key (a second click replays it). */
export function useRequestRelease() {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: async ({ body, key }: { body: ReleaseBody; key: string }): Promise<Release> => {
      const answer = await unwrap(
        api.POST('/api/v1/releases', {
          body: { ...body, dryRun: false },
          params: { header: { 'Idempotency-Key': key } },
        }),
      );
      if ('dryRun' in answer) throw new Error('The release answered a dry run');
      return answer;
    },
    onSuccess: (release) => {
      queries.setQueryData(['release', release.id], release);
      return queries.invalidateQueries({ queryKey: ['releases'] });
    },
  });
}
