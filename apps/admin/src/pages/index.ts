import type { ComponentType } from 'preact'
import { CatalogPage } from './catalog-page'
import { ConfigPage } from './config-page'
import { DeadLettersPage } from './dead-letters-page'
import { EventsPage } from './events-page'
import { MarketplacePage } from './marketplace-page'
import { OverviewPage } from './overview-page'
import { PluginsPage } from './plugins-page'

/** A page of the navigation: its link text, its path under /admin and what renders it. */
export interface Page {
  name: string
  path: string
  component: ComponentType
}

/** The pages, in navigation order. */
export const PAGES: readonly Page[] = [
  { name: 'Overview', path: '/admin/', component: OverviewPage },
  { name: 'Plugins', path: '/admin/plugins', component: PluginsPage },
  { name: 'Events', path: '/admin/events', component: EventsPage },
  { name: 'Dead letters', path: '/admin/dead-letters', component: DeadLettersPage },
  { name: 'Marketplace', path: '/admin/marketplace', component: MarketplacePage },
  { name: 'Catalog', path: '/admin/catalog', component: CatalogPage },
  { name: 'Config', path: '/admin/config', component: ConfigPage },
]
