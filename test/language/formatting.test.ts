// Format Document (language/formatting.ts): the one edit, the document's line ends, a text that
// changed meanwhile, and a formatter that cannot finish, told to the user instead of doing
// nothing in silence (one whose worker is restarted under it is sent again by the runner:
// test/language/scheduling.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDocument, type FormatTarget } from '../../language/formatting';
import { AnalysisOutOfMemory } from '../../language/runner';
import { formatScenario } from '../../emulator/scenario/format';
import { LineDocument } from '../../language/document';

const URI = 'file:///srv/scen%20one/timeline.vpci';
const doc = (text: string): LineDocument => new LineDocument(URI, 'vpci', 1, text);

/** The format function's calls, answering each in turn from `answers` (a string, or an error to reject with). */
function formatter(...answers: (string | Error | ((text: string) => string))[]): { format: (text: string) => Promise<string>; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    format: (text) => {
      calls.push(text);
      const a = answers.shift() ?? formatScenario;
      if (a instanceof Error) return Promise.reject(a);
      return Promise.resolve(typeof a === 'function' ? a(text) : a);
    },
  };
}

test("one edit over the whole text, in the document's own line ends; none when nothing changes", async () => {
  const told: string[] = [];
  const d = doc('at  1ms boot\r\nat 2ms   driver nic0 msix 3\r\n');
  const f = formatter();
  assert.deepEqual(await formatDocument(d, f.format, (m) => told.push(m)), [
    { range: { start: { line: 0, character: 0 }, end: { line: 2, character: 0 } }, newText: 'at 1ms  boot\r\nat 2ms  driver nic0 msix 3\r\n' },
  ]);
  assert.deepEqual(await formatDocument(doc('at 1ms  boot\r\n'), formatter().format, (m) => told.push(m)), []);
  assert.deepEqual(told, []);
});

test('a text that changed while the formatter ran gets no edit', async () => {
  const d = doc('at  1ms boot\n');
  const f = formatter((t) => {
    d.version = 2;
    return formatScenario(t);
  });
  assert.deepEqual(await formatDocument(d, f.format, () => assert.fail('nothing to tell')), []);
});

test('a formatter that cannot finish: no edit, and the user is told why', async () => {
  for (const [error, why] of [
    [new AnalysisOutOfMemory('Worker terminated due to reaching memory limit: JS heap out of memory'), 'the formatter ran out of memory'],
    [new Error('the analysis worker exited (code 1)'), 'the formatter failed (the analysis worker exited (code 1))'],
  ] as const) {
    const told: string[] = [];
    const f = formatter(error);
    const target: FormatTarget = doc('at  1ms boot\n');
    assert.deepEqual(await formatDocument(target, f.format, (m) => told.push(m)), []);
    assert.deepEqual(told, [`Format Document: timeline.vpci was not formatted: ${why}. It is unchanged.`]);
  }
});

test("the document's name in the message shows a character a client would not show by its code point", async () => {
  const told: string[] = [];
  const target = new LineDocument('file:///srv/a%00b%E2%80%8Bc.vpci', 'vpci', 1, 'at  1ms boot\n');
  assert.deepEqual(await formatDocument(target, formatter(new Error('x')).format, (m) => told.push(m)), []);
  assert.deepEqual(told, ['Format Document: a<U+0000>b<U+200B>c.vpci was not formatted: the formatter failed (x). It is unchanged.']);
});
