import type { ComponentChildren } from 'preact'
import { useLocation } from 'preact-iso'
import { session, signOut } from '../api/session'
import { PAGES } from '../pages'

const isCurrent = (pagePath: string, path: string) =>
  pagePath === '/admin/' ? path === '/admin/' || path === '/admin' : path.startsWith(pagePath)

/** The frame of every page: a skip link, the navigation, who is signed in with a sign-out button, the page. */
export function Layout(props: { children: ComponentChildren }) {
  const { path } = useLocation()
  const who = session.value
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Switchyard</span>
        <nav aria-label="Main">
          <ul class="nav-list">
            {PAGES.map((page) => (
              <li key={page.path}>
                <a href={page.path} aria-current={isCurrent(page.path, path) ? 'page' : undefined}>
                  {page.name}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span title={`scopes: ${who?.scopes.join(', ')}`}>
            {who?.name} ({who?.scopes.join(', ')})
          </span>
          <button type="button" class="small" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {props.children}
      </main>
    </>
  )
}
