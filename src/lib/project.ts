/**
 * Where this guide lives: its public URL and its source repository. The one place these are
 * set; astro.config.mjs (canonical URLs, `og:url`, the sitemap, edit links, the repository
 * link in the header) and the pages that name the repository read them from here.
 *
 * `SITE_URL` and `REPOSITORY_URL` in the environment override them, e.g. for a fork.
 */

/** The site's public origin, where `dist/` is served from its root. */
export const SITE_URL = withoutTrailingSlash(process.env.SITE_URL || 'https://kernel-modules-with-nix.org');

/** The guide's source repository on GitHub. */
export const REPOSITORY_URL = withoutTrailingSlash(process.env.REPOSITORY_URL || 'https://github.com/kernel-modules-with-nix/guide');

/** The branch that edit links open. */
export const REPOSITORY_BRANCH = 'main';

/** Base of "Edit page" links: a page's path in the repository is appended to it. */
export const EDIT_BASE_URL = `${REPOSITORY_URL}/edit/${REPOSITORY_BRANCH}/`;

/** `git clone` URL of the repository. */
export const CLONE_URL = `${REPOSITORY_URL}.git`;

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
