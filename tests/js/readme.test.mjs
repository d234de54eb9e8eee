// The README's examples print what the README says they print: its Node quickstart, run against the
// installed package, prints the values of its `// prints …` comments (worked out by hand in the README's
// next paragraph), and its command-line example prints the lines shown below it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const bin = join(dirname(createRequire(import.meta.url).resolve('crmscore/package.json')), 'bin', 'crmscore.mjs');

/** The first fenced block of `language` after the heading `heading`. */
function block(heading, language) {
  const at = readme.indexOf(`\n${heading}\n`);
  assert.ok(at >= 0, `README.md has the heading ${heading}`);
  const match = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(readme.slice(at));
  assert.ok(match, `a ${language} block after ${heading}`);
  return match[1];
}

test('the Node quickstart prints what its comments say', () => {
  const code = block('### Node', 'js');
  const expected = [...code.matchAll(/\/\/ prints (.*)$/gm)].map((m) => m[1]);
  assert.ok(expected.length >= 5, 'the example says what it prints');
  // Run from tests/js, where `crmscore` is the installed tarball.
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: here, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trimEnd().split('\n'), expected);
});

test('the command-line example prints the lines shown', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crmscore-readme-'));
  symlinkSync(fileURLToPath(new URL('../../data', import.meta.url)), join(dir, 'data'));
  const script = block('### Command line', 'sh').replaceAll('npx crmscore', `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)}`);
  const r = spawnSync('bash', ['-eo', 'pipefail', '-c', script], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, block('### Command line', 'text'));
  assert.match(r.stderr, /scoring as of 1997-09-30 \(the end of that UTC day\), the model's asOf/);
});
