import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Board } from './board-types';
import { api, unwrap } from './client';

export const BOARD_LIMIT = 50;

/** The whole pipeline board in one request, refreshed while it is on screen. */
export const boardQuery = () =>
  queryOptions({
    queryKey: ['board'],
    queryFn: (): Promise<Board> =>
      unwrap(api.GET('/api/v1/board', { params: { query: { limit: BOARD_LIMIT } } })),
    refetchInterval: 15_000,
  });

export function useBoard() {
  return useQuery(boardQuery());
}
