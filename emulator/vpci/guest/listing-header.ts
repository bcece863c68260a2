// The comment block every generated driver listing starts with: what the file
// models, after which real source, and that the text is ours.
export const LISTING_HEADER = (what: string, source: string): string[] => [
  '/*',
  ` * vPCI Lab driver listing: ${what}`,
  ' *',
  " * Pseudo-C generated from the emulator's model of the driver. Each line is",
  ' * one step; set breakpoints on any line with code. Modelled on',
  ` * ${source}`,
  ' * (names, order and wire bytes follow the real driver; the text is ours).',
  ' */',
];
