// `vpci-lab start`: what `npm start` runs after building — the bundled
// quick-start scenario, headless, with its transcript and expectations.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { registerCommand } from './main';
import { runScenario } from './run';

/** The examples folder: next to the bundle (dist/..) or the source tree. */
export function examplesDir(): string {
  for (const d of [resolve(__dirname, '..', 'examples'), resolve(__dirname, '..', '..', 'examples'), resolve('examples')]) if (existsSync(d)) return d;
  return resolve('examples');
}

registerCommand('start', 'run the bundled quick-start scenario headless', (args, io) => runScenario([join(examplesDir(), 'quickstart.vpci'), ...args], io));
