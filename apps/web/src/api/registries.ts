import { useMutation, useQuery } from '@tanstack/react-query';
import { api, unwrap } from './client';

export function useRegistries() {
  return useQuery({
    queryKey: ['registries'],
    queryFn: () => unwrap(api.GET('/api/v1/registries')),
  });
}

/** GET /v2/ of the registry with its stored credentials: `{ok, latencyMs, code?, problem?}`. */
export function useRegistryCheck(name: string) {
  return useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/v1/registries/{name}/check', { params: { path: { name } } })),
  });
}
