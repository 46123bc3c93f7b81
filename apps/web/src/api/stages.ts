import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './client';

export function useStages() {
  return useQuery({
    queryKey: ['stages'],
    queryFn: () => unwrap(api.GET('/api/v1/stages')),
    staleTime: 60_000,
  });
}
