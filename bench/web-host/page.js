// The bench page's script (page.html), called by bench/web.ts through playwright's page.evaluate:
// starts the bench's web worker extension host (worker.js) and measures through it —
// activations(k): k fresh workers, each one's activation time (measured in the worker);
// stepTimes(...): one worker, activated, then dap-steps.cjs's step round trips from this page,
// as VS Code's debug UI talks to an inline adapter in the web worker host across threads.
/* global window, Worker */
'use strict';

/** A started and initialised extension host worker, and its next message. */
async function startHost() {
  const config = await (await fetch('/config.json')).json();
  const worker = new Worker('/host/worker.js', { name: 'vpci-bench-extension-host' });
  let waiting;
  let onMessage = (m) => waiting?.(m);
  worker.onmessage = (e) => onMessage(e.data);
  worker.onerror = (e) => onMessage({ error: `${e.message} (${e.filename}:${e.lineno})` });
  const next = () => new Promise((res) => (waiting = res));
  const check = (m) => {
    if (m.error) throw new Error(`extension host worker: ${m.error}`);
    return m;
  };
  const ready = next();
  worker.postMessage({ init: config });
  check(await ready);
  return {
    worker,
    async request(msg) {
      const r = next();
      worker.postMessage(msg);
      return check(await r);
    },
    listen(fn) {
      onMessage = fn;
    },
  };
}

window.activations = async (k) => {
  const out = [];
  for (let i = 0; i < k; i++) {
    const h = await startHost();
    try {
      out.push((await h.request({ activate: true })).activated);
    } finally {
      h.worker.terminate();
    }
  }
  return out;
};

window.stepTimes = async (scenario, sourcePath, count, extra) => {
  const h = await startHost();
  try {
    await h.request({ activate: true });
    const client = window.DapSteps.client((m) => h.worker.postMessage(m));
    h.listen(client.receive);
    return await client.stepTimes(scenario, sourcePath, count, extra);
  } finally {
    h.worker.terminate();
  }
};

window.isolated = () => window.crossOriginIsolated;
