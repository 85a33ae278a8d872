import { describe, expect, it } from 'vitest';

describe('the frontmatter functions the verifier uses', () => {
  it('are the very functions Astro’s Markdown renderer exports, so pages are read as Astro reads them', async () => {
    const astro = await import('@astrojs/markdown-remark');
    const direct = await import('@astrojs/internal-helpers/frontmatter');
    expect(direct.parseFrontmatter).toBe(astro.parseFrontmatter);
    expect(direct.extractFrontmatter).toBe(astro.extractFrontmatter);
  });
});

describe('frontmatterProblem', async () => {
  const { frontmatterProblem } = await import('../../scripts/verifier/page-syntax.ts');

  it('is nothing for valid frontmatter, or none', () => {
    expect(frontmatterProblem('p.md', '---\ntitle: Fine\n---\n\n# Hi\n')).toBeUndefined();
    expect(frontmatterProblem('p.md', '# No frontmatter\n')).toBeUndefined();
  });

  it('points at the line where a quoted value that is never closed starts, not at the closing ---', () => {
    expect(frontmatterProblem('p.md', '---\ntitle: "Broken\ndescription: ok\n---\n\n# Hi\n')).toMatchObject({
      place: { line: 2, column: 8 },
      reason: 'The frontmatter is not valid YAML: unexpected end of the stream within a double quoted scalar. The site cannot build this page until it is fixed.',
    });
    expect(frontmatterProblem('p.md', "---\ntitle: ok\ndescription: 'Broken\nsidebar:\n  order: 2\n---\n")).toMatchObject({ place: { line: 3, column: 14 } });
  });

  it('points at the line YAML names for other mistakes', () => {
    expect(frontmatterProblem('p.md', '---\ntitle: ok\n  sidebar: [oops\n---\n')).toMatchObject({ place: { line: 3 } });
  });
});
