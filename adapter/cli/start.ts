// `vpci-lab start`: what `npm start` runs after building — the bundled
// quick-start scenario, headless, with its transcript and expectations.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from './io';
import { runScenario } from './run';

/** The examples folder: next to the bundle (dist/..) or the source tree. */
export function examplesDir(): string {
  for (const d of [resolve(__dirname, '..', 'examples'), resolve(__dirname, '..', '..', 'examples'), resolve('examples')]) if (existsSync(d)) return d;
  return resolve('examples');
}

export const startCommand: Command = {
  name: 'start',
  summary: 'run the bundled quick-start scenario headless',
  usage: `usage: vpci-lab start [run options]

Runs the bundled examples/quickstart.vpci headless, as vpci-lab run does (same options, same
exit codes; vpci-lab run --help lists them).
`,
  run: (args, io) => runScenario(args, io, join(examplesDir(), 'quickstart.vpci')),
};
