import { useEffect } from 'preact/hooks'
import { LocationProvider, Route, Router } from 'preact-iso'
import { loadSession, session } from './api/session'
import { Layout } from './components/layout'
import { PAGES } from './pages'
import { EventDetailPage } from './pages/event-detail-page'
import { NotFoundPage } from './pages/not-found-page'
import { SignInPage } from './pages/sign-in-page'

/** The admin UI: the sign-in form until a session exists, then the pages behind the navigation. */
export function App() {
  useEffect(() => {
    void loadSession()
  }, [])
  if (session.value === undefined) return <p class="muted center">Loading…</p>
  if (session.value === null) return <SignInPage />
  return (
    <LocationProvider>
      <Layout>
        <Router>
          {PAGES.map((page) => (
            <Route key={page.path} path={page.path} component={page.component} />
          ))}
          <Route path="/admin/events/:id" component={EventDetailPage} />
          <Route default component={NotFoundPage} />
        </Router>
      </Layout>
    </LocationProvider>
  )
}
