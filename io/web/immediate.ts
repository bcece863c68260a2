// `setImmediate` for the browser bundles (esbuild `inject`s it wherever the
// code names the global): the adapter, the Test Explorer and the language
// server yield to the event loop between chunks of work with it. A message on a
// MessageChannel runs as a task, after pending messages (a DAP pause gets in),
// without setTimeout's 4 ms clamp on nested timers (HTML, "timers" §8.6).
const queue: (() => void)[] = [];
/** The browser's MessageChannel, as far as it is used here (Node's typings describe Node's). */
interface Channel {
  port1: { onmessage: (() => void) | null; start(): void; ref?: () => void; unref?: () => void };
  port2: { postMessage(m: unknown): void };
}
let channel: Channel | undefined;

function drain(): void {
  const run = queue.splice(0, queue.length);
  // (Node, where the tests run it: the port keeps the process alive only while callbacks wait, as Node's own setImmediate does.)
  channel?.port1.unref?.();
  for (const fn of run) fn();
}

export function setImmediate(fn: (...args: unknown[]) => void, ...args: unknown[]): void {
  if (!channel) {
    channel = new MessageChannel() as unknown as Channel;
    channel.port1.onmessage = drain;
    channel.port1.start(); // implied by onmessage in browsers, not in Node
  }
  queue.push(() => fn(...args));
  if (queue.length === 1) {
    channel.port1.ref?.();
    channel.port2.postMessage(0);
  }
}
