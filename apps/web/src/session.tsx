import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, bearer, onSessionEnded, tokenStore, unwrap } from './api/client';
import type { Principal } from './api/roles';

export interface Session {
  /** Whether a token is stored (the principal may still be loading). */
  signedIn: boolean;
  principal: Principal | undefined;
  /** The principal's lookup: pending while the stored token is checked after a reload. */
  whoami: { isPending: boolean; error: unknown };
  /** Why the user was sent to the sign-in page, if they were. */
  notice: string | null;
  signIn(token: string): Promise<void>;
  signOut(notice?: string): void;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside <SessionProvider>');
  return session;
}

const WHOAMI = ['whoami'] as const;

/** The signed-in principal: the token in sessionStorage, who it is from GET /api/v1/whoami. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const queries = useQueryClient();
  const navigate = useNavigate();
  const [token, setToken] = useState(tokenStore.get);
  const [notice, setNotice] = useState<string | null>(null);
  const whoami = useQuery({
    queryKey: WHOAMI,
    queryFn: () => unwrap(api.GET('/api/v1/whoami')),
    enabled: token !== null,
    staleTime: Infinity,
  });

  const signOut = useCallback(
    (why?: string) => {
      tokenStore.clear();
      setToken(null);
      queries.clear();
      setNotice(why ?? null);
      navigate('/sign-in');
    },
    [navigate, queries],
  );

  const signIn = useCallback(
    async (candidate: string) => {
      const principal = await unwrap(
        api.GET('/api/v1/whoami', { headers: { Authorization: bearer(candidate) } }),
      );
      tokenStore.set(candidate);
      queries.setQueryData(WHOAMI, principal);
      setToken(candidate);
      setNotice(null);
    },
    [queries],
  );

  useEffect(
    () =>
      onSessionEnded((problem) =>
        signOut(`You were signed out: ${problem.message}. Sign in again.`),
      ),
    [signOut],
  );

  const session = useMemo<Session>(
    () => ({
      signedIn: token !== null,
      principal: token === null ? undefined : whoami.data,
      whoami: { isPending: whoami.isPending, error: whoami.error },
      notice,
      signIn,
      signOut,
    }),
    [token, whoami.data, whoami.isPending, whoami.error, notice, signIn, signOut],
  );
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
