import type { ComponentType } from 'preact'
import { OverviewPage } from './overview-page'

/** A page of the navigation: its link text, its path under /admin and what renders it. */
export interface Page {
  name: string
  path: string
  component: ComponentType
}

/** The pages, in navigation order. */
export const PAGES: readonly Page[] = [{ name: 'Overview', path: '/admin/', component: OverviewPage }]
