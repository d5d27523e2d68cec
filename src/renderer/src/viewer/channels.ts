import { BF_CHANNELS, CHANNEL_COLOURS, PAINT_CHANNELS } from '../../../shared/channels';

/** Display order: Cell Painting channels first (keys 1–5), then brightfield, then anything else. */
export function orderChannels(names: Iterable<string>): string[] {
  const set = new Set(names);
  const known = [...PAINT_CHANNELS, ...BF_CHANNELS].filter((c) => set.has(c));
  const rest = [...set].filter((c) => !(known as string[]).includes(c) && c !== 'NucleiBoundary' && c !== 'CellBoundary').sort();
  return [...known, ...rest];
}

/** User settings of a channel, shared by all sources and sites (so a toggled channel stays off). */
export interface ChannelSetting {
  colour: string;
  visible: boolean;
  /** null = automatic window from each image's percentiles */
  window: [number, number] | null;
}

export function defaultSetting(channel: string, hasPaint: boolean): ChannelSetting {
  const bf = (BF_CHANNELS as readonly string[]).includes(channel);
  return { colour: CHANNEL_COLOURS[channel] ?? '#ffffff', visible: bf ? !hasPaint && channel === 'BF' : true, window: null };
}
