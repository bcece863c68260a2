// `events` for the browser bundles: the part of Node's EventEmitter that
// @vscode/debugadapter's ProtocolServer uses (on/once/off/emit and their
// aliases). Listeners run synchronously in the order added, as Node's do; an
// 'error' emitted with no listener throws it, as Node's does.

type Listener = (...args: unknown[]) => void;

export class EventEmitter {
  private listeners = new Map<string | symbol, Listener[]>();

  on(event: string | symbol, fn: Listener): this {
    const l = this.listeners.get(event);
    if (l) l.push(fn);
    else this.listeners.set(event, [fn]);
    return this;
  }

  addListener(event: string | symbol, fn: Listener): this {
    return this.on(event, fn);
  }

  once(event: string | symbol, fn: Listener): this {
    const once: Listener = (...args) => {
      this.off(event, once);
      fn.apply(this, args);
    };
    return this.on(event, once);
  }

  off(event: string | symbol, fn: Listener): this {
    const l = this.listeners.get(event);
    if (!l) return this;
    const k = l.lastIndexOf(fn);
    if (k >= 0) l.splice(k, 1);
    if (!l.length) this.listeners.delete(event);
    return this;
  }

  removeListener(event: string | symbol, fn: Listener): this {
    return this.off(event, fn);
  }

  removeAllListeners(event?: string | symbol): this {
    if (event === undefined) this.listeners.clear();
    else this.listeners.delete(event);
    return this;
  }

  emit(event: string | symbol, ...args: unknown[]): boolean {
    const l = this.listeners.get(event);
    if (!l || !l.length) {
      if (event === 'error') throw args[0] instanceof Error ? args[0] : new Error(`Unhandled error event: ${String(args[0])}`);
      return false;
    }
    for (const fn of [...l]) fn.apply(this, args);
    return true;
  }

  listenerCount(event: string | symbol): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

export default EventEmitter;
