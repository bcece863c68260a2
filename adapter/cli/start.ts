// `vpci-lab start`: what `npm start` runs after building — the bundled example,
// headless. Until the machine exists it lists the device catalog.
import { registerCommand } from './main';

registerCommand('start', 'run the bundled example scenario headless', (_args, io) => {
  io.out('vPCI Lab: emulator not built yet\n');
  return 0;
});
