// The language server bundle's entry in VS Code for the Web (dist/web/server.js),
// run in a browser worker (language/web-platform.ts).
import { setPlatform } from './platform';
import { webPlatform, type WorkerScope } from './web-platform';

setPlatform(webPlatform(globalThis as unknown as WorkerScope));
require('./server');
