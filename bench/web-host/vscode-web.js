// The `vscode` module as the bench's browser worker hands it to dist/web/extension.js: a
// stand-in for what VS Code's web worker extension host gives an extension, just enough for
// activate() and the inline debug adapter. Plain JavaScript, loaded by worker.js with
// importScripts (no build step). Real where the measured path depends on it:
//  - Uri (scheme, authority, path; from/parse/file/joinPath/with/toString, VS Code's shapes),
//    EventEmitter, Disposable, FileType, FileSystemError (WorkspaceFiles tests `instanceof` and
//    `code`), DebugAdapterInlineImplementation;
//  - workspace.fs.stat/readFile, served over HTTP by the bench's page server (bench/web-host/
//    server.ts): every file the extension reads (scenario, dumps, listings, data/pci.ids) comes
//    through here, as it comes through the real host's workspace.fs;
//  - workspace.workspaceFolders (one folder, a vscode-remote: URI, as code-server gives it) and
//    workspace.getConfiguration (every setting at its default);
//  - debug.registerDebugAdapterDescriptorFactory, which keeps the factory for the bench to ask.
// Everything else is bench/fake-vscode.cjs's idea: a member that is callable and constructible
// and returns another stand-in (registrations return disposables). The top level lists the
// names @types/vscode declares (served as /vscode-names.json): esbuild's ESM interop copies the
// module's own property names, as it would copy the real API object's.
/* global self */
'use strict';

(function () {
  const { fake } = self.StandIn; // stand-in.cjs, loaded before this file

  /** An object whose listed members are real and whose others are stand-ins. */
  function partly(real) {
    return new Proxy(real, { get: (t, p) => (p in t ? t[p] : p === 'then' ? undefined : (t[p] = fake())) });
  }

  // VS Code's URI (src/vs/base/common/uri.ts): the path is kept decoded; toString() encodes each
  // path segment. Enough for the URIs this bench makes (vscode-remote://host:port/abs/path).
  class Uri {
    constructor(scheme, authority, path, query, fragment) {
      this.scheme = scheme;
      this.authority = authority || '';
      this.path = path || '';
      this.query = query || '';
      this.fragment = fragment || '';
    }
    static from(c) {
      return new Uri(c.scheme, c.authority, c.path, c.query, c.fragment);
    }
    static file(path) {
      return new Uri('file', '', path);
    }
    static parse(text) {
      const m = /^([A-Za-z][A-Za-z0-9+.-]*):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?/.exec(text);
      if (!m) return new Uri('file', '', text);
      return new Uri(m[1], m[2], decodeURIComponent(m[3]), m[4], m[5]);
    }
    static joinPath(base, ...segments) {
      const parts = base.path.split('/');
      for (const s of segments.join('/').split('/')) {
        if (s === '' || s === '.') continue;
        if (s !== '..') parts.push(s);
        else if (parts.length > 1) parts.pop();
      }
      return base.with({ path: parts.join('/') || '/' });
    }
    get fsPath() {
      return this.path;
    }
    with(c) {
      return new Uri(c.scheme ?? this.scheme, c.authority ?? this.authority, c.path ?? this.path, c.query ?? this.query, c.fragment ?? this.fragment);
    }
    toString() {
      const path = this.path.split('/').map(encodeURIComponent).join('/');
      return `${this.scheme}:${this.authority || this.scheme === 'file' ? `//${this.authority}` : ''}${path}${this.query ? `?${this.query}` : ''}${this.fragment ? `#${this.fragment}` : ''}`;
    }
    toJSON() {
      return { scheme: this.scheme, authority: this.authority, path: this.path, query: this.query, fragment: this.fragment };
    }
  }

  class Disposable {
    constructor(fn) {
      this.fn = fn;
    }
    static from(...ds) {
      return new Disposable(() => ds.forEach((d) => d?.dispose()));
    }
    dispose() {
      this.fn?.();
      this.fn = undefined;
    }
  }

  class EventEmitter {
    constructor() {
      this.listeners = new Set();
      this.event = (fn, thisArg, disposables) => {
        const l = thisArg ? fn.bind(thisArg) : fn;
        this.listeners.add(l);
        const d = new Disposable(() => this.listeners.delete(l));
        disposables?.push(d);
        return d;
      };
    }
    fire(e) {
      for (const l of [...this.listeners]) l(e);
    }
    dispose() {
      this.listeners.clear();
    }
  }

  class FileSystemError extends Error {
    constructor(message, code) {
      super(message);
      this.code = code || 'Unknown';
    }
    static FileNotFound(u) {
      return new FileSystemError(`${u}: not found`, 'FileNotFound');
    }
    static FileIsADirectory(u) {
      return new FileSystemError(`${u}: is a directory`, 'FileIsADirectory');
    }
    static NoPermissions(u) {
      return new FileSystemError(`${u}: no permissions`, 'NoPermissions');
    }
  }

  function DebugAdapterInlineImplementation(implementation) {
    this.implementation = implementation;
  }

  /**
   * The stand-in. `origin` is the page server's http origin; `authority` the vscode-remote:
   * authority whose files it serves; `names` the API's top-level names.
   */
  self.vscodeStandIn = function (opts) {
    const { origin, authority, folder, names } = opts;
    const factories = new Map();
    const url = (uri, kind) => {
      if (uri.scheme !== 'vscode-remote' || uri.authority !== authority) throw FileSystemError.FileNotFound(uri);
      return `${origin}/${kind}${uri.path.split('/').map(encodeURIComponent).join('/')}`;
    };
    const fs = {
      async stat(uri) {
        const r = await fetch(url(uri, 'stat'));
        if (r.status === 404) throw FileSystemError.FileNotFound(uri);
        if (!r.ok) throw new FileSystemError(`${uri}: ${r.status} ${r.statusText}`);
        return r.json();
      },
      async readFile(uri) {
        const r = await fetch(url(uri, 'fs'));
        if (r.status === 404) throw FileSystemError.FileNotFound(uri);
        if (r.status === 409) throw FileSystemError.FileIsADirectory(uri);
        if (!r.ok) throw new FileSystemError(`${uri}: ${r.status} ${r.statusText}`);
        return new Uint8Array(await r.arrayBuffer());
      },
      async writeFile(uri) {
        throw FileSystemError.NoPermissions(uri);
      },
    };
    const folderUri = new Uri('vscode-remote', authority, folder);
    const top = {
      version: '1.100.3',
      Uri,
      Disposable,
      EventEmitter,
      FileSystemError,
      FileType: { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 },
      DebugAdapterInlineImplementation,
      workspace: partly({
        fs,
        workspaceFolders: [{ uri: folderUri, name: folder.split('/').pop(), index: 0 }],
        getConfiguration: () => partly({ get: (_k, d) => d, has: () => false, inspect: () => undefined, update: async () => {} }),
      }),
      debug: partly({
        registerDebugAdapterDescriptorFactory(type, factory) {
          factories.set(type, factory);
          return new Disposable(() => factories.delete(type));
        },
      }),
    };
    for (const n of names) if (!(n in top)) top[n] = fake();
    const vscode = new Proxy(top, { get: (t, p) => (p in t ? t[p] : p === 'then' || p === '__esModule' ? undefined : (t[p] = fake())) });
    return { vscode, factories, Uri, folderUri, fake };
  };
})();
