// The upstream table of each guest model (docs/upstream.md), by model name.
import { upstreamLink, type UpstreamLink, type UpstreamTable } from './upstream';
import { LINUX_UPSTREAM } from './linux/upstream';
import { freebsdUpstream } from './freebsd/upstream';

/** Each model's table, made when first asked for (a launch lays out no listing text and shows no upstream link). */
const MAKERS: Readonly<Record<string, () => UpstreamTable>> = {
  linux: () => LINUX_UPSTREAM,
  freebsd: () => freebsdUpstream('freebsd'),
  'freebsd-2016': () => freebsdUpstream('freebsd-2016'),
};
const made = new Map<string, UpstreamTable>();

export function upstreamTable(model: string): UpstreamTable | undefined {
  if (!Object.hasOwn(MAKERS, model)) return undefined;
  let t = made.get(model);
  if (!t) made.set(model, (t = MAKERS[model]!()));
  return t;
}

/** Where a listing function of `model` lives upstream, or what it stands for; undefined for an unknown model or function. */
export function upstreamLinkFor(model: string, fn: string): UpstreamLink | undefined {
  const t = upstreamTable(model);
  return t ? upstreamLink(t, fn) : undefined;
}
