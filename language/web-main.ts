// The language server bundle's entry in VS Code for the Web (dist/web/server.js),
// run in a browser worker (language/web-platform.ts).
import { setPlatform } from './platform';
import { webPlatform, type WorkerScope } from './web-platform';

setPlatform(webPlatform(globalThis as unknown as WorkerScope));
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the server's module body must run after the platform is set, which an import would hoist above
require('./server');
