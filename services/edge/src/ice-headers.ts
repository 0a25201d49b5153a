/**
 * Chooses the `ice-*` headers a listener reply is built from: the source's own (SHOUTcast `icy-*`
 * names read as their `ice-*` twins), with the mount's configured genre, description and bitrate
 * as defaults and its `Public` setting as an override. Pure: no I/O.
 */
import type { MountConfig } from '@penguincast/config';

/** `icy-*` header names SHOUTcast sources send, by their Icecast `ice-*` twin. */
const ICY_TWINS: Readonly<Record<string, string>> = {
  'icy-name': 'ice-name',
  'icy-genre': 'ice-genre',
  'icy-url': 'ice-url',
  'icy-pub': 'ice-public',
  'icy-br': 'ice-bitrate',
  'icy-description': 'ice-description',
};

/** The `ice-*` values a mount's config contributes. */
export interface IceConfig {
  /** Used when the source sends none. */
  defaults: Readonly<Record<string, string>>;
  /** Always win over the source. */
  overrides: Readonly<Record<string, string>>;
}

/** Reads the ice-* contributions of one `Mounts[]` entry. */
export function iceConfigOf(m: MountConfig | undefined): IceConfig {
  const defaults: Record<string, string> = {};
  const overrides: Record<string, string> = {};
  if (m?.Genre !== undefined) {
    defaults['ice-genre'] = m.Genre;
  }
  if (m?.Description !== undefined) {
    defaults['ice-description'] = m.Description;
  }
  if (m?.BitRate !== undefined) {
    defaults['ice-bitrate'] = String(m.BitRate);
  }
  if (m?.Public !== undefined) {
    overrides['ice-public'] = m.Public ? '1' : '0';
  }
  return { defaults, overrides };
}

/** Merges a source's announced headers with the mount's configured values. */
export function iceHeadersFor(
  sourceInfo: Readonly<Record<string, string>> | undefined,
  config: IceConfig,
): Record<string, string> {
  const out: Record<string, string> = { ...config.defaults };
  const fromSource: Record<string, string> = {};
  for (const [rawName, value] of Object.entries(sourceInfo ?? {})) {
    const name = rawName.toLowerCase();
    if (name.startsWith('ice-')) {
      fromSource[name] = value;
    }
  }
  for (const [rawName, value] of Object.entries(sourceInfo ?? {})) {
    const twin = ICY_TWINS[rawName.toLowerCase()];
    if (twin !== undefined && fromSource[twin] === undefined) {
      fromSource[twin] = value;
    }
  }
  return { ...out, ...fromSource, ...config.overrides };
}
