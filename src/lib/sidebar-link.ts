/**
 * Starlight route middleware: adds "How this guide is verified" to the end of the sidebar of
 * every page, without taking the sidebar's configuration away from the guide's pages.
 */
import type {} from '@astrojs/starlight';
import { defineRouteMiddleware } from '@astrojs/starlight/route-data';
import { siteUrl, VERIFICATION_PAGE } from './urls.ts';

export const VERIFICATION_TITLE = 'How this guide is verified';

export const onRequest = defineRouteMiddleware((context) => {
  const href = siteUrl(VERIFICATION_PAGE);
  const current = context.url.pathname.replace(/\/?$/, '/') === href;
  context.locals.starlightRoute.sidebar.push({
    type: 'link',
    label: VERIFICATION_TITLE,
    href,
    isCurrent: current,
    badge: undefined,
    attrs: {},
  });
});
