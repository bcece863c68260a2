// The debug adapter run from source (`node --import tsx adapter/main.ts`): the
// same body as the shipped bundle, without the code-cache loader.
import { startAdapter } from './core';

startAdapter(process.argv.slice(2));
