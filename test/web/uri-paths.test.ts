// Paths for URIs (io/uri-paths.ts) and the DAP mapping over them
// (extension/web/source-paths.ts): the workspace's origin maps to plain paths,
// other origins to paths of their own, every path maps back to its URI, and a
// source the client named comes back as the very URI text it sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { posix } from 'node:path';
import { UriPaths, parseUri, uriText, type UriParts } from '../../io/uri-paths';
import { DapPaths, mapSourcePaths } from '../../extension/web/source-paths';

const ws = { scheme: 'vscode-remote', authority: '127.0.0.1:18400' };
const paths = new UriPaths(ws);
/** VS Code's spelling is close enough here: scheme://authority + the path with spaces encoded. */
const text = (u: UriParts) => `${u.scheme}://${u.authority}${u.path.split('/').map(encodeURIComponent).join('/')}`;

test('parseUri: scheme, authority and the decoded path; Windows paths and plain paths are not URIs', () => {
  assert.deepEqual(parseUri('vscode-remote://127.0.0.1:18400/tmp/a%20b/q.vpci'), {
    scheme: 'vscode-remote',
    authority: '127.0.0.1:18400',
    path: '/tmp/a b/q.vpci',
  });
  assert.deepEqual(parseUri('vscode-userdata:/User/extensions/x'), { scheme: 'vscode-userdata', authority: '', path: '/User/extensions/x' });
  assert.equal(parseUri('c:\\work\\a.vpci'), undefined);
  assert.equal(parseUri('/tmp/a.vpci'), undefined);
  assert.equal(parseUri('quickstart.vpci'), undefined);
});

test('the primary origin is plain paths; another origin gets its own first segment; both map back', () => {
  const file = posix.join(tmpdir(), 'lab', 'quickstart.vpci');
  const a: UriParts = { ...ws, path: file };
  assert.equal(paths.pathOf(a), file);
  assert.deepEqual(paths.partsOf(file), a);
  const ext: UriParts = { scheme: 'vscode-userdata', authority: '', path: '/User/extensions/vpci-lab/listings/freebsd/vmbus_pcib.c' };
  const p = paths.pathOf(ext);
  assert.ok(p.startsWith('/:vscode-userdata:/'), p);
  assert.deepEqual(paths.partsOf(p), ext);
  const gh: UriParts = { scheme: 'vscode-vfs', authority: 'github+abc', path: '/owner/repo/x.vpci' };
  assert.deepEqual(paths.partsOf(paths.pathOf(gh)), gh);
  // another authority of the same scheme is another origin
  assert.notEqual(paths.pathOf({ ...ws, authority: 'other', path: '/x' }), '/x');
});

test('uriText writes what parseUri reads: any origin, spaces, %, # and ? in names, a port in the authority', () => {
  for (const u of [
    { ...ws, path: '/tmp/a b/100%/x#1?.lspci' },
    { scheme: 'file', authority: '', path: '/tmp/nic [1].txt' },
    { scheme: 'vscode-vfs', authority: 'github+abc', path: '/owner/repo' },
  ]) {
    const t = uriText(u);
    assert.deepEqual(parseUri(t), u, t);
  }
  assert.equal(uriText({ scheme: 'file', authority: '', path: '/tmp/a b' }), 'file:///tmp/a%20b');
  assert.equal(uriText({ ...ws, path: '/x' }), 'vscode-remote://127.0.0.1:18400/x');
});

test('mapSourcePaths rewrites Source paths only (source keys, sources lists, nested), and copies only what changes', () => {
  const msg = {
    type: 'response',
    command: 'stackTrace',
    body: {
      stackFrames: [
        { id: 1, name: 'f', source: { name: 'a.c', path: '/x/a.c', sources: [{ path: '/x/b.c' }] }, line: 3 },
        { id: 2, name: 'host', source: { name: 'vsp', sourceReference: 7 } },
      ],
      path: '/not/a/source',
    },
  };
  const out = mapSourcePaths(msg, (p) => `u:${p}`) as typeof msg;
  assert.equal(out.body.stackFrames[0]!.source.path, 'u:/x/a.c');
  assert.equal(out.body.stackFrames[0]!.source.sources[0]!.path, 'u:/x/b.c');
  assert.equal(out.body.path, '/not/a/source');
  assert.equal(out.body.stackFrames[1], msg.body.stackFrames[1], 'an unchanged frame is the same object');
  assert.equal(msg.body.stackFrames[0]!.source.path, '/x/a.c', 'the input is not changed');
  const loaded = mapSourcePaths({ body: { sources: [{ name: 'q', path: '/q.vpci' }] } }, (p) => `u:${p}`) as { body: { sources: { path: string }[] } };
  assert.equal(loaded.body.sources[0]!.path, 'u:/q.vpci');
});

test("DapPaths: the client's URI in, a path to the adapter, the same URI text back; other paths become their URIs", () => {
  const d = new DapPaths(paths, text);
  // the client's own spelling (an encoded colon VS Code would not write) must come back unchanged
  const sent = 'vscode-remote://127.0.0.1%3A18400/tmp/ws/my%20lab/quickstart.vpci';
  const req = { type: 'request', command: 'setBreakpoints', arguments: { source: { name: 'quickstart.vpci', path: sent }, breakpoints: [{ line: 16 }] } };
  const toAdapter = d.toAdapter(req) as typeof req;
  assert.equal(toAdapter.arguments.source.path, '/tmp/ws/my lab/quickstart.vpci');
  const frames = {
    type: 'response',
    body: { stackFrames: [{ source: { path: '/tmp/ws/my lab/quickstart.vpci' } }, { source: { path: '/ext/listings/freebsd/vmbus_pcib.c' } }] },
  };
  const back = d.toClient(frames) as typeof frames;
  assert.equal(back.body.stackFrames[0]!.source.path, sent);
  assert.equal(back.body.stackFrames[1]!.source.path, 'vscode-remote://127.0.0.1:18400/ext/listings/freebsd/vmbus_pcib.c');
  // a plain path from the client (a desktop-style launch) passes through
  const plain = { arguments: { source: { path: '/tmp/ws/q.vpci' } } };
  assert.equal((d.toAdapter(plain) as typeof plain).arguments.source.path, '/tmp/ws/q.vpci');
});

test('DapPaths passes bodies that never hold a Source through untouched, and maps those that may', () => {
  const d = new DapPaths(paths, text);
  const vars = { type: 'response', command: 'variables', body: { variables: [{ name: 'x', value: '1', variablesReference: 0, source: { path: '/odd' } }] } };
  assert.equal(d.toClient(vars), vars);
  const topo = { type: 'response', command: 'vpci/topology', body: { buses: [] } };
  assert.equal(d.toClient(topo), topo);
  const out = { type: 'event', event: 'output', body: { output: 'x', source: { path: '/ws/q.vpci' }, line: 3 } };
  assert.equal((d.toClient(out) as typeof out).body.source.path, 'vscode-remote://127.0.0.1:18400/ws/q.vpci');
  const bps = { type: 'response', command: 'setDataBreakpoints', body: { breakpoints: [{ verified: true, source: { path: '/ws/q.vpci' } }] } };
  assert.equal((d.toClient(bps) as typeof bps).body.breakpoints[0]!.source.path, 'vscode-remote://127.0.0.1:18400/ws/q.vpci');
});

test('DapPaths hands a message nested deeper than any request to the session as it is, for the session to refuse (mapping it overflowed the stack)', () => {
  const map = new DapPaths(paths, text);
  let deep: unknown = { source: { path: 'vscode-remote://127.0.0.1:18400/tmp/q.vpci' } };
  for (let i = 0; i < 20_000; i++) deep = [deep];
  const m = { seq: 2, type: 'request', command: 'threads', arguments: { x: deep } };
  assert.equal(map.toAdapter(m), m);
  // Within the limit, a source's URI is still mapped.
  const shallow = { seq: 3, type: 'request', command: 'breakpointLocations', arguments: { source: { path: 'vscode-remote://127.0.0.1:18400/tmp/q.vpci' } } };
  assert.deepEqual(map.toAdapter(shallow), { ...shallow, arguments: { source: { path: '/tmp/q.vpci' } } });
});
