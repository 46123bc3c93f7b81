import { Navigate, NavLink, Outlet, useLocation } from 'react-router-dom';
import { useSession } from '../session';
import { ProblemView } from './ProblemView';
import { Loading } from './QueryState';

const NAV: ReadonlyArray<readonly [string, string]> = [
  ['/', 'Board'],
  ['/promotions', 'Promotions'],
  ['/releases', 'Releases'],
  ['/drift', 'Drift'],
  ['/archive', 'Archive'],
  ['/audit', 'Audit log'],
  ['/registries', 'Registries'],
];

/** Every view but sign-in: only with a token; the header, the navigation and the view. */
export function Layout() {
  const { signedIn, principal, whoami, signOut } = useSession();
  const location = useLocation();
  if (!signedIn)
    return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Airlock</span>
        <nav aria-label="Main">
          {NAV.map(([to, label]) => (
            <NavLink key={to} to={to} end={to === '/'}>
              {label}
            </NavLink>
          ))}
        </nav>
        <span className="who">
          {principal && <span>{`${principal.name} (${principal.role})`}</span>}
          <button type="button" onClick={() => signOut()}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main">
        {principal ? (
          <Outlet />
        ) : whoami.error ? (
          <>
            <h1>Signing in failed</h1>
            <ProblemView problem={whoami.error} />
          </>
        ) : (
          <Loading what="Checking the token…" />
        )}
      </main>
    </>
  );
}
