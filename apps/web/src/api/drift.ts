import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './client';

export interface DriftFilters {
  stage?: string;
  base?: string;
}

export function useDrift(filters: DriftFilters) {
  return useQuery({
    queryKey: ['drift', filters],
    queryFn: () => unwrap(api.GET('/api/v1/drift', { params: { query: filters } })),
  });
}
