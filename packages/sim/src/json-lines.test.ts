import { expect, test } from 'vitest';
import { JsonLineReader } from './json-lines.js';

test('parses JSON objects split across chunks and passes other lines as text', () => {
  const objs: unknown[] = [];
  const text: string[] = [];
  const r = new JsonLineReader((o) => objs.push(o), (t) => text.push(t));
  r.push('{"event":"rea');
  r.push('dy","port":"/dev/pts/3"}\r\nsimharness: note\n\n{"event":"stats",');
  r.push(Buffer.from('"simSeconds":1.5}\n[1,2]\n{broken'));
  r.end();
  expect(objs).toEqual([{ event: 'ready', port: '/dev/pts/3' }, { event: 'stats', simSeconds: 1.5 }]);
  expect(text).toEqual(['simharness: note', '[1,2]', '{broken']);
});
