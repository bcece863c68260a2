// File access across requests (io/request-files.ts), as the web language server
// reads dump files through its client: bytes arrive intact, every FileError
// arrives with its problem and reason, a lost channel is a FileError too, and
// the confinement rules of io/files.ts apply on the server's side unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FileError, confinement, readConfined, type FileAccess } from '../../io/files';
import { fileRequestHandlers, filesOverRequests, READ_FILE, REAL_PATH } from '../../io/request-files';
import { readDumps } from '../../io/scenario-files';

const store = new Map<string, Uint8Array>([
  ['/ws/a.lspci', new Uint8Array([0, 1, 2, 250, 255, 10])],
  ['/ws/big.bin', new Uint8Array(100)],
]);
const client: FileAccess = {
  readFile: async (p, limit) => {
    const b = store.get(p);
    if (!b) throw new FileError(p, 'missing', 'no such file');
    if (b.length > limit) throw new FileError(p, 'too-large', `is ${b.length} bytes`);
    return b;
  },
  realPath: async (p) => {
    if (!store.has(p) && p !== '/ws') throw new FileError(p, 'missing', 'no such file');
    return p;
  },
  writeFile: async () => {},
};

/** A channel as JSON-RPC gives one: params and results pass through JSON. */
function channel(files: FileAccess) {
  const h = fileRequestHandlers(files);
  const calls: string[] = [];
  const send = async <R>(method: string, params: unknown): Promise<R> => {
    calls.push(method);
    const p = JSON.parse(JSON.stringify(params));
    const r =
      method === READ_FILE
        ? await h.readFile(p)
        : method === REAL_PATH
          ? await h.realPath(p)
          : (() => {
              throw new Error(`no handler for ${method}`);
            })();
    return JSON.parse(JSON.stringify(r)) as R;
  };
  return { server: filesOverRequests(send), calls };
}

test('bytes cross the channel intact', async () => {
  const { server, calls } = channel(client);
  assert.deepEqual([...(await server.readFile('/ws/a.lspci', 1000))], [0, 1, 2, 250, 255, 10]);
  assert.deepEqual(calls, [READ_FILE]);
});

test('FileErrors keep their problem and reason; writes are refused', async () => {
  const { server } = channel(client);
  await assert.rejects(
    server.readFile('/ws/none', 10),
    (e: unknown) => e instanceof FileError && e.problem === 'missing' && e.reason === 'no such file' && e.path === '/ws/none',
  );
  await assert.rejects(server.readFile('/ws/big.bin', 10), (e: unknown) => e instanceof FileError && e.problem === 'too-large');
  await assert.rejects(server.realPath('/ws/none'), (e: unknown) => e instanceof FileError && e.problem === 'missing');
  await assert.rejects(server.writeFile('/ws/x', 'y'), (e: unknown) => e instanceof FileError && e.problem === 'denied');
});

test('a channel that fails is an unreadable file, naming the path', async () => {
  const server = filesOverRequests(async () => {
    throw new Error('connection closed');
  });
  await assert.rejects(
    server.readFile('/ws/a.lspci', 10),
    (e: unknown) => e instanceof FileError && e.problem === 'unreadable' && /connection closed/.test(e.reason) && e.path === '/ws/a.lspci',
  );
});

test('confinement and dump diagnostics work over the channel as over a local file system', async () => {
  const { server } = channel(client);
  const c = confinement('/ws');
  assert.equal((await readConfined(server, 'a.lspci', c, 100)).length, 6);
  await assert.rejects(readConfined(server, '../etc/passwd', c, 100), (e: unknown) => e instanceof FileError && e.problem === 'outside');
  const reads = await readDumps(server, ['a.lspci', 'gone.lspci'], c);
  assert.ok('bytes' in reads.get('a.lspci')!);
  assert.deepEqual(reads.get('gone.lspci'), { code: 'dump-missing', message: "cannot read dump file 'gone.lspci': no such file" });
});
