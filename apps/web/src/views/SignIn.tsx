import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { boardQuery } from '../api/board';
import { ProblemView } from '../components/ProblemView';
import { useSession } from '../session';

/** Paste an API token; GET /api/v1/whoami says whose it is. */
export function SignInView() {
  const { signedIn, principal, notice, signIn } = useSession();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const from = (useLocation().state as { from?: string } | null)?.from;
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const back = from && !from.startsWith('/sign-in') ? from : '/';

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(token.trim());
      // Sign-in lands on the board: fetched now, it shows complete with the header.
      if (back === '/') await queries.prefetchQuery(boardQuery());
      navigate(back, { replace: true });
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  }

  if (signedIn && principal && !busy) return <Navigate to={back} replace />;
  return (
    <main id="main" className="sign-in">
      <h1>Sign in to Airlock</h1>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <form onSubmit={submit} className="stack">
        <label htmlFor="token">API token</label>
        <input
          id="token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder="alk_…"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          required
        />
        <button type="submit" disabled={busy || token.trim() === ''}>
          Sign in
        </button>
      </form>
      {error !== null && <ProblemView problem={error} />}
      <p className="muted">
        The token is kept in this browser tab only (sessionStorage) and sent to the API as a bearer
        token. An admin creates tokens with <code>POST /api/v1/tokens</code>.
      </p>
    </main>
  );
}
