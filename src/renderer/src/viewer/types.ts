/** A decoded grey image as the image route sends it. */
export interface RawImage {
  width: number;
  height: number;
  bitDepth: number;
  data: Uint16Array | Uint8Array;
}

/** Display settings of one channel. */
export interface ChannelView {
  channel: string;
  colour: string;
  visible: boolean;
  /** display window in raw units */
  lo: number;
  hi: number;
}

/** What one viewer pane shows: channels (already loaded) with their settings. */
export interface LayerSet {
  key: string;
  label: string;
  channels: { view: ChannelView; image: RawImage }[];
}

export interface OverlayView {
  visible: boolean;
  nuclei: RawImage | null;
  cells: RawImage | null;
  nucleiColour: string;
  cellsColour: string;
  opacity: number;
}

/** Image-space transform: screen = image * scale + offset (CSS pixels). */
export interface ViewTransform {
  scale: number;
  x: number;
  y: number;
}
