// The upstream table of each guest model (docs/upstream.md), by model name.
import { upstreamLink, type UpstreamLink, type UpstreamTable } from './upstream';
import { LINUX_UPSTREAM } from './linux/upstream';
import { freebsdUpstream } from './freebsd/upstream';

const TABLES: Readonly<Record<string, UpstreamTable>> = {
  linux: LINUX_UPSTREAM,
  freebsd: freebsdUpstream('freebsd'),
  'freebsd-2016': freebsdUpstream('freebsd-2016'),
};

export function upstreamTable(model: string): UpstreamTable | undefined {
  return TABLES[model];
}

/** Where a listing function of `model` lives upstream, or what it stands for; undefined for an unknown model or function. */
export function upstreamLinkFor(model: string, fn: string): UpstreamLink | undefined {
  const t = TABLES[model];
  return t ? upstreamLink(t, fn) : undefined;
}
