import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap } from './client';

export function useMirrorRules() {
  return useQuery({
    queryKey: ['mirror-rules'],
    queryFn: () => unwrap(api.GET('/api/v1/mirror-rules')),
  });
}

export function useMirrorRule(name: string) {
  return useQuery({
    queryKey: ['mirror-rule', name],
    queryFn: () => unwrap(api.GET('/api/v1/mirror-rules/{name}', { params: { path: { name } } })),
  });
}

export function useMirrorRuns(name: string, cursor: string | undefined) {
  return useQuery({
    queryKey: ['mirror-runs', name, cursor],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/mirror-rules/{name}/runs', {
          params: { path: { name }, query: { cursor, limit: 20 } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

/** Every digest each tag of the rule pointed at upstream, newest sighting first. */
export function useArchive(name: string) {
  return useQuery({
    queryKey: ['mirror-archive', name],
    queryFn: () =>
      unwrap(api.GET('/api/v1/mirror-rules/{name}/archive', { params: { path: { name } } })),
  });
}
