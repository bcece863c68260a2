// The DAP floor for `npm run bench`: a bare stdio debug adapter that does no
// work. It frames messages like any adapter (Content-Length header + JSON) and
// answers initialize / launch / configurationDone / threads / stackTrace /
// scopes / variables / next with canned bodies, sends `initialized` after
// launch and a `stopped` event after configurationDone and after each next.
// Plain .mjs with no imports beyond node, so its startup is node's own.
let seq = 1;
let buf = Buffer.alloc(0);

function send(msg) {
  const json = JSON.stringify({ seq: seq++, ...msg });
  process.stdout.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
}
function respond(req, body) {
  send({ type: 'response', request_seq: req.seq, command: req.command, success: true, ...(body ? { body } : {}) });
}
const event = (name, body) => send({ type: 'event', event: name, ...(body ? { body } : {}) });

const CANNED = {
  initialize: { supportsConfigurationDoneRequest: true, supportsStepBack: true },
  threads: {
    threads: [
      { id: 1, name: 'scenario timeline' },
      { id: 2, name: 'vmbus_pcib_attach (nic0)' },
    ],
  },
  stackTrace: {
    stackFrames: [
      { id: 1000, name: 'hv_pci_protocol_negotiation', line: 812, column: 1, source: { name: 'vmbus_pcib.c', path: '/listings/freebsd/vmbus_pcib.c' } },
      { id: 1001, name: 'vmbus_pcib_attach', line: 1620, column: 1, source: { name: 'vmbus_pcib.c', path: '/listings/freebsd/vmbus_pcib.c' } },
    ],
    totalFrames: 2,
  },
  scopes: {
    scopes: [
      { name: 'Locals', variablesReference: 1, expensive: false },
      { name: 'Devices', variablesReference: 2, expensive: false },
    ],
  },
  variables: {
    variables: [
      { name: 'version', value: '0x10004', variablesReference: 0 },
      { name: 'sc', value: '{...}', variablesReference: 3 },
      { name: 'ret', value: '0', variablesReference: 0 },
    ],
  },
};

function handle(req) {
  switch (req.command) {
    case 'launch':
      respond(req);
      event('initialized');
      return;
    case 'configurationDone':
      respond(req);
      event('stopped', { reason: 'entry', threadId: 1, allThreadsStopped: true });
      return;
    case 'next':
      respond(req);
      event('stopped', { reason: 'step', threadId: req.arguments?.threadId ?? 1, allThreadsStopped: true });
      return;
    case 'disconnect':
      respond(req);
      process.exit(0);
      return;
    default:
      respond(req, CANNED[req.command]);
  }
}

process.stdin.on('data', (d) => {
  buf = Buffer.concat([buf, d]);
  for (;;) {
    const h = buf.indexOf('\r\n\r\n');
    if (h < 0) return;
    const m = /Content-Length: (\d+)/i.exec(buf.subarray(0, h).toString('ascii'));
    const len = m ? Number(m[1]) : 0;
    if (buf.length < h + 4 + len) return;
    const body = buf.subarray(h + 4, h + 4 + len).toString('utf8');
    buf = buf.subarray(h + 4 + len);
    try {
      handle(JSON.parse(body));
    } catch {
      /* a floor adapter ignores what it cannot parse */
    }
  }
});
