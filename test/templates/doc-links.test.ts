// Every resource in the templates is introduced by a comment carrying its documentation link.
import { TEMPLATE_FILES, readRepoFile } from './helpers/cfn';

/** Resource keys (two-space indent under Resources:) whose comment block above has no https link. */
function resourcesWithoutDocLink(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line === 'Resources:');
  if (start < 0) throw new Error('no Resources: section');
  const missing: string[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^\S/.test(line)) break; // next top-level section
    const key = /^ {2}([A-Za-z0-9:&{}]+):\s*$/.exec(line);
    if (key?.[1] === undefined) continue;
    const comments: string[] = [];
    for (let j = i - 1; j > start && /^\s*#/.test(lines[j] ?? ''); j--) comments.push(lines[j] ?? '');
    if (!comments.some((comment) => /https:\/\/\S+/.test(comment))) missing.push(key[1]);
  }
  return missing;
}

describe('documentation links', () => {
  it.each([...TEMPLATE_FILES])('precede every resource in %s', (file) => {
    expect(resourcesWithoutDocLink(readRepoFile(file))).toEqual([]);
  });

  it('are found missing when a resource has none', () => {
    const text = ['Resources:', '  # https://example.com/a', '  A:', '    Type: X', '  # no link', '  B:', '    Type: Y', 'Outputs:', '  C:'].join('\n');
    expect(resourcesWithoutDocLink(text)).toEqual(['B']);
  });
});
