// The client's side of the bench, the same in the browser's page (page.js) and in the bench's
// main thread: speaks DAP to an extension host in a worker (debug-host.cjs) as VS Code's debug UI
// does across the thread it lives on, and times the step round trip as VS Code makes it: next →
// stopped → threads, stackTrace, scopes, variables (bench/dap-client.ts's views()), from the first
// stop to the end of the scenario and again from a fresh session.
// Plain JavaScript that runs in both: a classic script in the browser, required in Node.
'use strict';

(function (root, api) {
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.DapSteps = api;
})(globalThis, {
  /** A client over `post` (to the host); feed it what the host sends with `receive`. */
  client(post) {
    let seq = 1;
    let sessions = 0;
    const waiting = new Map();
    let control;
    let eventWaiters = [];
    let ended = false;
    const once = () => new Promise((res, rej) => (control = { res, rej }));
    const request = (command, args) => {
      const s = seq++;
      const p = new Promise((res, rej) => waiting.set(s, { res, rej, command }));
      post({ dap: { seq: s, type: 'request', command, arguments: args ?? {} } });
      return p;
    };
    /** The next event of one of these names (asked for before the request that causes it). */
    const event = (...names) => new Promise((res) => eventWaiters.push({ names, res }));
    const receive = (msg) => {
      if (msg.error) {
        const e = new Error(`extension host: ${msg.error}`);
        if (control) control.rej(e);
        for (const w of waiting.values()) w.rej(e);
        return;
      }
      if (!msg.dap) return control?.res(msg);
      const m = msg.dap;
      if (m.type === 'response') {
        const w = waiting.get(m.request_seq);
        waiting.delete(m.request_seq);
        if (w && m.success) w.res(m);
        else if (w) w.rej(new Error(`${w.command} failed: ${m.message}`));
      } else if (m.type === 'event') {
        if (m.event === 'terminated' || m.event === 'exited') ended = true;
        const k = eventWaiters.findIndex((w) => w.names.includes(m.event));
        if (k >= 0) eventWaiters.splice(k, 1)[0].res(m);
      }
    };

    /**
     * A new session: initialize, launch (stopOnEntry, and `extra`: what the configuration provider
     * adds), a breakpoint in the scenario named by `sourcePath` (as the client names the file),
     * configurationDone; the first stop's thread.
     */
    async function launch(scenario, sourcePath, extra) {
      const started = once();
      post({ launch: ++sessions });
      await started;
      ended = false;
      eventWaiters = [];
      await request('initialize', { adapterID: 'vpci', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true, supportsVariablePaging: true });
      const stopped = event('stopped');
      await request('launch', { scenario, stopOnEntry: true, ...extra });
      await request('setBreakpoints', { source: { path: sourcePath }, breakpoints: [{ line: 1 }] });
      await request('configurationDone');
      return (await stopped).body?.threadId ?? 1;
    }

    async function views(threadId) {
      await request('threads');
      const st = await request('stackTrace', { threadId, startFrame: 0, levels: 20 });
      const frame = st.body.stackFrames[0];
      if (typeof frame?.source?.path === 'string') lastSource = frame.source.path;
      const sc = await request('scopes', { frameId: frame.id });
      await request('variables', { variablesReference: sc.body.scopes[0].variablesReference });
    }
    let lastSource;

    async function close() {
      const done = once();
      post({ end: true });
      await done;
    }

    /**
     * `count` step round trips (each one's milliseconds), a fresh session whenever the scenario
     * ends; also the number of steps in a session and the last top frame's source path (which
     * shows what the client was given: a vscode-remote: URI in the web host).
     */
    async function stepTimes(scenario, sourcePath, count, extra) {
      const out = [];
      let tid = 0;
      let open = false;
      let n = 0;
      let session = 0;
      // What activate() started in the background (the language client) settles first.
      await new Promise((res) => setTimeout(res, 500));
      while (out.length < count) {
        if (!open) {
          tid = await launch(scenario, sourcePath, extra);
          await views(tid); // what VS Code asks at the first stop, before the user steps
          open = true;
          n = 0;
        }
        const t0 = performance.now();
        const stop = event('stopped', 'terminated');
        await request('next', { threadId: tid });
        const s = await stop;
        if (s.event === 'stopped') await views(s.body?.threadId ?? tid);
        out.push(performance.now() - t0);
        n++;
        tid = s.body?.threadId ?? tid;
        if (s.event !== 'stopped' || s.body?.reason === 'end' || ended) {
          session = Math.max(session, n);
          await close();
          open = false;
        }
      }
      if (open) await close();
      return { times: out, session, source: lastSource };
    }

    return { receive, launch, views, close, stepTimes };
  },
});
