// The launch schema's catalog-driven properties in package.json
// (contributes.debuggers[vpci].configurationAttributes.launch.properties: guest,
// host, quirks): their enums, enumDescriptions and descriptions come from
// GUEST_MODELS, HOST_PROFILES and QUIRKS. Everything else in package.json is
// written by hand and kept as it is (key order included).
import { CATALOG, guestModelText, hostProfileText, quirkText, type Catalog } from '../emulator/scenario/catalog';
import { DEFAULT_GUEST_MODEL } from '../emulator/vpci/guest/models';
import { DEFAULT_HOST_PROFILE } from '../emulator/vpci/host/profiles';

type Json = Record<string, unknown>;

export function launchCatalogProperties(c: Catalog = CATALOG): Json {
  return {
    guest: {
      type: 'string',
      enum: c.guests.map((g) => g.name),
      enumDescriptions: c.guests.map(guestModelText),
      description: "Guest driver model; overrides the scenario's `vm { guest … }`.",
      default: DEFAULT_GUEST_MODEL,
    },
    host: {
      type: 'string',
      enum: c.hosts.map((h) => h.name),
      enumDescriptions: c.hosts.map(hostProfileText),
      description: "Host profile (protocol versions the host accepts, reply shapes); overrides the scenario's `vm { host … }`.",
      default: DEFAULT_HOST_PROFILE,
    },
    quirks: {
      type: 'object',
      description:
        "Switch the real drivers' known quirks on (true) or off (false); overrides the scenario's `quirk` lines. Unlisted quirks keep the driver's real behaviour.",
      default: {},
      properties: Object.fromEntries(c.quirks.map((q) => [q.name, { type: 'boolean', description: `${quirkText(q)} ${q.description}`, default: true }])),
      additionalProperties: { type: 'boolean' },
    },
  };
}

/** package.json with the generated properties in place (2-space JSON, as npm writes it). */
export function packageJson(text: string, c: Catalog = CATALOG): string {
  const pkg = JSON.parse(text) as Json;
  const debuggers = ((pkg.contributes as Json | undefined)?.debuggers ?? []) as Json[];
  const dbg = debuggers.find((d) => d.type === 'vpci');
  const props = ((dbg?.configurationAttributes as Json | undefined)?.launch as Json | undefined)?.properties as Json | undefined;
  if (!props) throw new Error('package.json has no contributes.debuggers[vpci].configurationAttributes.launch.properties');
  Object.assign(props, launchCatalogProperties(c));
  return JSON.stringify(pkg, null, 2) + '\n';
}
