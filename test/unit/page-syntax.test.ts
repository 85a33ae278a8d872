import { describe, expect, it } from 'vitest';

describe('the frontmatter functions the verifier uses', () => {
  it('are the very functions Astro’s Markdown renderer exports, so pages are read as Astro reads them', async () => {
    const astro = await import('@astrojs/markdown-remark');
    const direct = await import('@astrojs/internal-helpers/frontmatter');
    expect(direct.parseFrontmatter).toBe(astro.parseFrontmatter);
    expect(direct.extractFrontmatter).toBe(astro.extractFrontmatter);
  });
});
