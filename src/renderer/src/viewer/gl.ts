import type { LayerSet, OverlayView, ViewTransform, RawImage } from './types';

/** Channels drawn in one pass (sampler units are plentiful; 8 covers 5 paint + 3 brightfield). */
export const MAX_CHANNELS = 8;

const VERT = `#version 300 es
in vec2 a_pos;
void main() { gl_Position = vec4(a_pos, 0.0, 1.0); }`;

/**
 * The fragment shader maps each screen pixel to an image pixel (nearest), reads every channel's
 * 16-bit value from an integer texture, applies its window and colour, and adds the colours.
 * Outlines: a label pixel whose 4-neighbour differs. Samplers need constant indices in GLSL ES 3,
 * so the per-channel code is generated.
 */
function fragSource(): string {
  const decl: string[] = [];
  const body: string[] = [];
  for (let i = 0; i < MAX_CHANNELS; i++) {
    decl.push(`uniform highp usampler2D u_c${i};`);
    body.push(`if (u_on[${i}] > 0.5) { float v = float(texelFetch(u_c${i}, p, 0).r); col += u_col[${i}] * clamp((v - u_lo[${i}]) / max(u_hi[${i}] - u_lo[${i}], 1e-6), 0.0, 1.0); }`);
  }
  return `#version 300 es
precision highp float;
precision highp int;
${decl.join('\n')}
uniform highp usampler2D u_nuc;
uniform highp usampler2D u_cell;
uniform float u_on[${MAX_CHANNELS}];
uniform vec3 u_col[${MAX_CHANNELS}];
uniform float u_lo[${MAX_CHANNELS}];
uniform float u_hi[${MAX_CHANNELS}];
uniform vec2 u_size;      // image size
uniform vec3 u_view;      // scale, offset x, offset y (device pixels)
uniform float u_canvasH;  // canvas height (device pixels)
uniform int u_overlay;    // bit 1 nuclei, bit 2 cells
uniform vec3 u_nucCol;
uniform vec3 u_cellCol;
uniform float u_alpha;
uniform uint u_hover;     // highlighted cell label (0 = none)
uniform float u_outlineW; // outline width in image pixels (>= 1)
out vec4 outColor;

// f: position inside the image pixel (0..1); t: outline thickness in image pixels when zoomed in
// (< 1), so outlines stay a thin line on the object's border instead of whole magnified pixels.
bool edge(highp usampler2D t, ivec2 p, int w, vec2 f, float th) {
  uint c = texelFetch(t, p, 0).r;
  if (c == 0u) return false;
  ivec2 mx = ivec2(u_size) - 1;
  uint l = texelFetch(t, clamp(p + ivec2(-w, 0), ivec2(0), mx), 0).r;
  uint r = texelFetch(t, clamp(p + ivec2(w, 0), ivec2(0), mx), 0).r;
  uint u = texelFetch(t, clamp(p + ivec2(0, -w), ivec2(0), mx), 0).r;
  uint d = texelFetch(t, clamp(p + ivec2(0, w), ivec2(0), mx), 0).r;
  if (th >= 1.0) return c != l || c != r || c != u || c != d;
  return (c != l && f.x < th) || (c != r && f.x > 1.0 - th) || (c != u && f.y < th) || (c != d && f.y > 1.0 - th);
}

void main() {
  vec2 screen = vec2(gl_FragCoord.x, u_canvasH - gl_FragCoord.y);
  vec2 img = (screen - u_view.yz) / u_view.x;
  if (img.x < 0.0 || img.y < 0.0 || img.x >= u_size.x || img.y >= u_size.y) { outColor = vec4(0.06, 0.06, 0.07, 1.0); return; }
  ivec2 p = ivec2(floor(img));
  vec3 col = vec3(0.0);
  ${body.join('\n  ')}
  col = min(col, vec3(1.0));
  int w = int(max(1.0, u_outlineW));
  vec2 f = fract(img);
  float th = 1.5 / u_view.x;
  if ((u_overlay & 2) != 0) {
    uint cl = texelFetch(u_cell, p, 0).r;
    if (u_hover != 0u && cl == u_hover) col = mix(col, vec3(1.0, 1.0, 1.0), 0.25);
    if (edge(u_cell, p, w, f, th)) col = mix(col, u_cellCol, u_alpha);
  }
  if ((u_overlay & 1) != 0 && edge(u_nuc, p, w, f, th)) col = mix(col, u_nucCol, u_alpha);
  outColor = vec4(col, 1.0);
}`;
}

function compile(gl: WebGL2RenderingContext, type: number, src: string): WebGLShader {
  const s = gl.createShader(type)!;
  gl.shaderSource(s, src);
  gl.compileShader(s);
  if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error('shader: ' + gl.getShaderInfoLog(s));
  return s;
}

export function hexToVec(hex: string): [number, number, number] {
  const h = hex.replace('#', '');
  return [parseInt(h.slice(0, 2), 16) / 255, parseInt(h.slice(2, 4), 16) / 255, parseInt(h.slice(4, 6), 16) / 255];
}

/** A WebGL2 renderer for one canvas; textures are cached per RawImage object. */
export class GlRenderer {
  private gl: WebGL2RenderingContext;
  private prog: WebGLProgram;
  private loc = new Map<string, WebGLUniformLocation | null>();
  private textures = new Map<RawImage, WebGLTexture>();
  private empty: WebGLTexture;

  constructor(private canvas: HTMLCanvasElement) {
    const gl = canvas.getContext('webgl2', { antialias: false, preserveDrawingBuffer: true });
    if (!gl) throw new Error('WebGL2 is not available in this browser');
    this.gl = gl;
    const p = gl.createProgram()!;
    gl.attachShader(p, compile(gl, gl.VERTEX_SHADER, VERT));
    gl.attachShader(p, compile(gl, gl.FRAGMENT_SHADER, fragSource()));
    gl.linkProgram(p);
    if (!gl.getProgramParameter(p, gl.LINK_STATUS)) throw new Error('program: ' + gl.getProgramInfoLog(p));
    this.prog = p;
    gl.useProgram(p);
    const buf = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, buf);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
    const a = gl.getAttribLocation(p, 'a_pos');
    gl.enableVertexAttribArray(a);
    gl.vertexAttribPointer(a, 2, gl.FLOAT, false, 0, 0);
    this.empty = this.upload({ width: 1, height: 1, bitDepth: 16, data: new Uint16Array(1) });
  }

  private u(name: string): WebGLUniformLocation | null {
    if (!this.loc.has(name)) this.loc.set(name, this.gl.getUniformLocation(this.prog, name));
    return this.loc.get(name)!;
  }

  private upload(img: RawImage): WebGLTexture {
    const gl = this.gl;
    const t = gl.createTexture()!;
    gl.bindTexture(gl.TEXTURE_2D, t);
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
    if (img.bitDepth === 16) gl.texImage2D(gl.TEXTURE_2D, 0, gl.R16UI, img.width, img.height, 0, gl.RED_INTEGER, gl.UNSIGNED_SHORT, img.data as Uint16Array);
    else gl.texImage2D(gl.TEXTURE_2D, 0, gl.R8UI, img.width, img.height, 0, gl.RED_INTEGER, gl.UNSIGNED_BYTE, img.data as Uint8Array);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    return t;
  }

  private tex(img: RawImage | null): WebGLTexture {
    if (!img) return this.empty;
    let t = this.textures.get(img);
    if (!t) {
      t = this.upload(img);
      this.textures.set(img, t);
    }
    return t;
  }

  /** Draw one layer set into the whole canvas, or into the part right/left of a swipe line. */
  draw(set: LayerSet, overlay: OverlayView | null, view: ViewTransform, hover: number, clip?: { from: number; to: number }): void {
    const gl = this.gl;
    const dpr = this.canvas.width / Math.max(1, this.canvas.clientWidth);
    gl.viewport(0, 0, this.canvas.width, this.canvas.height);
    if (clip) {
      gl.enable(gl.SCISSOR_TEST);
      const x0 = Math.round(clip.from * this.canvas.width);
      gl.scissor(x0, 0, Math.round(clip.to * this.canvas.width) - x0, this.canvas.height);
    } else gl.disable(gl.SCISSOR_TEST);
    const first = set.channels[0]?.image;
    const on: number[] = [];
    const col: number[] = [];
    const lo: number[] = [];
    const hi: number[] = [];
    for (let i = 0; i < MAX_CHANNELS; i++) {
      const c = set.channels[i];
      gl.activeTexture(gl.TEXTURE0 + i);
      gl.bindTexture(gl.TEXTURE_2D, this.tex(c?.image ?? null));
      gl.uniform1i(this.u(`u_c${i}`), i);
      on.push(c && c.view.visible ? 1 : 0);
      col.push(...(c ? hexToVec(c.view.colour) : [0, 0, 0]));
      lo.push(c?.view.lo ?? 0);
      hi.push(c?.view.hi ?? 1);
    }
    gl.uniform1fv(this.u('u_on'), on);
    gl.uniform3fv(this.u('u_col'), col);
    gl.uniform1fv(this.u('u_lo'), lo);
    gl.uniform1fv(this.u('u_hi'), hi);
    const showNuc = !!(overlay?.visible && overlay.nuclei && first && overlay.nuclei.width === first.width);
    const showCell = !!(overlay?.visible && overlay.cells && first && overlay.cells.width === first.width);
    gl.activeTexture(gl.TEXTURE0 + MAX_CHANNELS);
    gl.bindTexture(gl.TEXTURE_2D, this.tex(showNuc ? overlay!.nuclei : null));
    gl.uniform1i(this.u('u_nuc'), MAX_CHANNELS);
    gl.activeTexture(gl.TEXTURE0 + MAX_CHANNELS + 1);
    gl.bindTexture(gl.TEXTURE_2D, this.tex(showCell ? overlay!.cells : null));
    gl.uniform1i(this.u('u_cell'), MAX_CHANNELS + 1);
    gl.uniform1i(this.u('u_overlay'), (showNuc ? 1 : 0) | (showCell ? 2 : 0));
    gl.uniform3fv(this.u('u_nucCol'), hexToVec(overlay?.nucleiColour ?? '#00e5ff'));
    gl.uniform3fv(this.u('u_cellCol'), hexToVec(overlay?.cellsColour ?? '#ff9100'));
    gl.uniform1f(this.u('u_alpha'), overlay?.opacity ?? 0.8);
    gl.uniform1ui(this.u('u_hover'), hover >>> 0);
    gl.uniform1f(this.u('u_outlineW'), Math.max(1, Math.round(1 / (view.scale * dpr))));
    gl.uniform2f(this.u('u_size'), first?.width ?? 1, first?.height ?? 1);
    gl.uniform3f(this.u('u_view'), view.scale * dpr, view.x * dpr, view.y * dpr);
    gl.uniform1f(this.u('u_canvasH'), this.canvas.height);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  }

  /** Waits for the GPU (benchmarks only: makes a frame's time include its rendering). */
  finish(): void {
    this.gl.finish();
  }

  /** Frees the textures of images no longer shown (switching sites must not grow GPU memory). */
  retain(keep: Set<RawImage>): void {
    for (const [img, t] of this.textures) {
      if (!keep.has(img)) {
        this.gl.deleteTexture(t);
        this.textures.delete(img);
      }
    }
  }

  dispose(): void {
    for (const t of this.textures.values()) this.gl.deleteTexture(t);
    this.textures.clear();
    this.gl.getExtension('WEBGL_lose_context')?.loseContext();
  }
}
