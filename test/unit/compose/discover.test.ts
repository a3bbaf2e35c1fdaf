import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverFiles } from '../../../src/compose/discover.js';
import { ComposeError } from '../../../src/compose/errors.js';
import { normalizeProjectName, resolveProjectName } from '../../../src/compose/project-name.js';
import { testdir } from './testdir.js';

describe('discoverFiles', () => {
  it('prefers compose.yaml, warns about several defaults, takes the first override twin', () => {
    const dir = testdir({ 'compose.yaml': '', 'docker-compose.yml': '', 'docker-compose.override.yml': '' });
    const warnings: string[] = [];
    const found = discoverFiles({ env: {}, cwd: dir, onWarning: (w) => warnings.push(w) });
    expect(found).toEqual({ files: [path.join(dir, 'compose.yaml'), path.join(dir, 'docker-compose.override.yml')], projectDirectory: dir });
    expect(warnings).toHaveLength(1);
  });

  it('finds docker-compose.yaml and stops at the nearest directory that has a file', () => {
    const dir = testdir({ 'compose.yaml': '', 'app/docker-compose.yaml': '', 'app/src/x': '' });
    expect(discoverFiles({ env: {}, cwd: path.join(dir, 'app', 'src') }).files).toEqual([path.join(dir, 'app', 'docker-compose.yaml')]);
  });

  it('starts the search at --project-directory and makes it the project directory', () => {
    const dir = testdir({ 'proj/compose.yml': '', 'elsewhere/x': '' });
    const found = discoverFiles({ env: {}, cwd: path.join(dir, 'elsewhere'), projectDirectory: '../proj' });
    expect(found).toEqual({ files: [path.join(dir, 'proj', 'compose.yml')], projectDirectory: path.join(dir, 'proj') });
  });

  it('resolves -f against cwd, keeps - for stdin, and the first file sets the project directory', () => {
    const dir = testdir({ 'a/base.yaml': '', 'b/over.yaml': '' });
    const found = discoverFiles({ env: { COMPOSE_FILE: 'ignored.yaml' }, cwd: dir, files: ['a/base.yaml', 'b/over.yaml', '-'] });
    expect(found).toEqual({ files: [path.join(dir, 'a', 'base.yaml'), path.join(dir, 'b', 'over.yaml'), '-'], projectDirectory: path.join(dir, 'a') });
  });

  it('splits COMPOSE_FILE on the path separator', () => {
    const dir = testdir({ 'one.yaml': '', 'two.yaml': '' });
    expect(discoverFiles({ env: { COMPOSE_FILE: 'one.yaml:two.yaml' }, cwd: dir }).files).toEqual([path.join(dir, 'one.yaml'), path.join(dir, 'two.yaml')]);
  });

  it('fails with a ComposeError when nothing is found', () => {
    const dir = testdir({ 'x/y': '' });
    expect(() => discoverFiles({ env: {}, cwd: path.join(dir, 'x'), files: ['missing.yaml'] })).toThrow(ComposeError);
  });
});

describe('project names', () => {
  it('reduces directory names to [a-z0-9_-] starting with a letter or digit', () => {
    expect(normalizeProjectName('My App.v2')).toBe('myappv2');
    expect(normalizeProjectName('_-Hidden')).toBe('hidden');
    expect(resolveProjectName({ projectDirectory: '/tmp/Some Dir' })).toBe('somedir');
  });

  it('refuses invalid chosen names and names that reduce to nothing', () => {
    expect(() => resolveProjectName({ fromFile: 'Bad', projectDirectory: '/x' })).toThrow(ComposeError);
    expect(() => resolveProjectName({ env: '-lead', projectDirectory: '/x' })).toThrow(ComposeError);
    expect(() => resolveProjectName({ projectDirectory: '/tmp/___' })).toThrow(ComposeError);
    expect(resolveProjectName({ flag: 'a_b-1', env: 'other', projectDirectory: '/x' })).toBe('a_b-1');
  });
});
