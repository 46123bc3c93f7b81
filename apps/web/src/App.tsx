import { Route, Routes } from 'react-router-dom';
import { ReleaseNewView } from './views/ReleaseNew';
import { Layout } from './components/Layout';
import { SessionProvider } from './session';
import { ArchiveView } from './views/Archive';
import { AuditView } from './views/Audit';
import { BoardView } from './views/Board';
import { DriftView } from './views/Drift';
import { ImageView } from './views/Image';
import { MirrorRuleView } from './views/MirrorRule';
import { NotFoundView } from './views/NotFound';
import { PromoteView } from './views/Promote';
import { PromotionView } from './views/Promotion';
import { PromotionsView } from './views/Promotions';
import { RegistriesView } from './views/Registries';
import { ReleaseView } from './views/Release';
import { ReleasesView } from './views/Releases';
import { SignInView } from './views/SignIn';

/** Every view at its own URL; all but sign-in need a token (Layout sends to /sign-in without). */
export function App() {
  return (
    <SessionProvider>
      <Routes>
        <Route path="/sign-in" element={<SignInView />} />
        <Route element={<Layout />}>
          <Route index element={<BoardView />} />
          <Route path="images/:digest" element={<ImageView />} />
          <Route path="images/:digest/promote" element={<PromoteView />} />
          <Route path="promotions" element={<PromotionsView />} />
          <Route path="promotions/:id" element={<PromotionView />} />
          <Route path="releases" element={<ReleasesView />} />
          <Route path="releases/new" element={<ReleaseNewView />} />
          <Route path="releases/:id" element={<ReleaseView />} />
          <Route path="drift" element={<DriftView />} />
          <Route path="archive" element={<ArchiveView />} />
          <Route path="archive/:rule" element={<MirrorRuleView />} />
          <Route path="audit" element={<AuditView />} />
          <Route path="registries" element={<RegistriesView />} />
          <Route path="*" element={<NotFoundView />} />
        </Route>
      </Routes>
    </SessionProvider>
  );
}
