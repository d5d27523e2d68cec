import { readFileSync } from 'node:fs';
import { parseOnnx, type OnnxGraph, type OnnxNode } from './onnxGraph';

/**
 * FLOPs of one forward pass for given input shapes: shapes are propagated through the common
 * image-model ops, and Conv / ConvTranspose / MatMul / Gemm are counted as 2 FLOPs per
 * multiply-add (element-wise ops are ignored: they are memory-bound and small). Ops whose output
 * shape cannot be derived are listed; FLOPs after them are then a lower bound.
 */
export interface FlopCount {
  flops: number;
  byOp: Record<string, number>;
  unknownOps: string[];
}

type Shape = number[];

const ELEMENTWISE = new Set(['Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Elu', 'Selu', 'Gelu', 'Erf', 'Softplus', 'HardSigmoid', 'HardSwish', 'Mish', 'Clip', 'Identity', 'Dropout', 'Cast', 'Neg', 'Exp', 'Log', 'Sqrt', 'Abs', 'BatchNormalization', 'InstanceNormalization', 'LayerNormalization', 'GroupNormalization', 'Softmax', 'PRelu', 'Not']);
const BROADCAST = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Where', 'Equal', 'Greater', 'Less', 'And', 'Or']);

function broadcast(shapes: Shape[]): Shape {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: Shape = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const v = s[s.length - rank + i];
      if (v !== undefined && v !== 1) d = v;
    }
    out.push(d);
  }
  return out;
}

const attrInts = (n: OnnxNode, name: string) => n.attrs.get(name)?.ints ?? [];
const attrInt = (n: OnnxNode, name: string, d: number) => n.attrs.get(name)?.i ?? d;

function poolOut(n: OnnxNode, x: Shape, kernel: number[]): Shape {
  const sp = x.length - 2;
  const strides = attrInts(n, 'strides');
  const pads = attrInts(n, 'pads');
  const dil = attrInts(n, 'dilations');
  const auto = n.attrs.get('auto_pad')?.s ?? 'NOTSET';
  const out = x.slice(0, 2);
  for (let i = 0; i < sp; i++) {
    const s = strides[i] ?? 1;
    const k = (kernel[i] - 1) * (dil[i] ?? 1) + 1;
    if (auto === 'SAME_UPPER' || auto === 'SAME_LOWER') out.push(Math.ceil(x[2 + i] / s));
    else {
      const p = (pads[i] ?? 0) + (pads[i + sp] ?? 0);
      const ceil = attrInt(n, 'ceil_mode', 0) === 1;
      const v = (x[2 + i] + p - k) / s + 1;
      out.push(ceil ? Math.ceil(v) : Math.floor(v));
    }
  }
  return out;
}

export function countFlops(g: OnnxGraph, inputShapes: Record<string, Shape>): FlopCount {
  const shapes = new Map<string, Shape>();
  const consts = new Map<string, number[]>();
  for (const [name, t] of g.initializers) {
    shapes.set(name, t.dims);
    if (t.values) consts.set(name, t.values);
  }
  for (const v of g.inputs) if (inputShapes[v.name]) shapes.set(v.name, inputShapes[v.name]);
  const byOp: Record<string, number> = {};
  const unknown = new Set<string>();
  let flops = 0;
  const add = (op: string, f: number) => {
    flops += f;
    byOp[op] = (byOp[op] ?? 0) + f;
  };
  for (const n of g.nodes) {
    const ins = n.inputs.map((i) => (i ? shapes.get(i) : undefined));
    const x = ins[0];
    let out: Shape | undefined;
    switch (n.op) {
      case 'Constant': {
        const t = n.attrs.get('value')?.t;
        if (t) {
          out = t.dims;
          if (t.values) consts.set(n.outputs[0], t.values);
        }
        break;
      }
      case 'Conv': {
        const w = ins[1];
        if (!x || !w) break;
        const kernel = w.slice(2);
        out = poolOut(n, x, kernel);
        out[1] = w[0];
        const group = attrInt(n, 'group', 1);
        add('Conv', 2 * out.reduce((a, b) => a * b, 1) * (x[1] / group) * kernel.reduce((a, b) => a * b, 1));
        break;
      }
      case 'ConvTranspose': {
        const w = ins[1];
        if (!x || !w) break;
        const group = attrInt(n, 'group', 1);
        const kernel = w.slice(2);
        const strides = attrInts(n, 'strides');
        const pads = attrInts(n, 'pads');
        const outPad = attrInts(n, 'output_padding');
        const sp = kernel.length;
        out = [x[0], w[1] * group];
        for (let i = 0; i < sp; i++) out.push((strides[i] ?? 1) * (x[2 + i] - 1) + (outPad[i] ?? 0) + kernel[i] - (pads[i] ?? 0) - (pads[i + sp] ?? 0));
        add('ConvTranspose', 2 * x.reduce((a, b) => a * b, 1) * (w[1]) * kernel.reduce((a, b) => a * b, 1));
        break;
      }
      case 'MatMul': {
        const b = ins[1];
        if (!x || !b) break;
        out = [...broadcast([x.slice(0, -2), b.slice(0, -2)]), x[x.length - 2] ?? 1, b[b.length - 1]];
        add('MatMul', 2 * out.reduce((p, q) => p * q, 1) * x[x.length - 1]);
        break;
      }
      case 'Gemm': {
        const b = ins[1];
        if (!x || !b) break;
        const m = attrInt(n, 'transA', 0) ? x[1] : x[0];
        const k = attrInt(n, 'transA', 0) ? x[0] : x[1];
        const nn = attrInt(n, 'transB', 0) ? b[0] : b[1];
        out = [m, nn];
        add('Gemm', 2 * m * k * nn);
        break;
      }
      case 'MaxPool':
      case 'AveragePool':
        if (x) out = poolOut(n, x, attrInts(n, 'kernel_shape'));
        break;
      case 'GlobalAveragePool':
      case 'GlobalMaxPool':
        if (x) out = [x[0], x[1], ...x.slice(2).map(() => 1)];
        break;
      case 'Concat': {
        if (ins.some((s) => !s)) break;
        const axis = (attrInt(n, 'axis', 0) + x!.length) % x!.length;
        out = x!.slice();
        out[axis] = ins.reduce((a, s) => a + s![axis], 0);
        break;
      }
      case 'Resize':
      case 'Upsample': {
        if (!x) break;
        const scales = consts.get(n.op === 'Upsample' ? n.inputs[1] : n.inputs[2]);
        const sizes = n.op === 'Resize' ? consts.get(n.inputs[3]) : undefined;
        if (sizes?.length) out = sizes.slice();
        else if (scales?.length) out = x.map((d, i) => Math.floor(d * scales[i]));
        break;
      }
      case 'Gather': {
        const idx = ins[1];
        if (!x || !idx) break;
        const axis = (attrInt(n, 'axis', 0) + x.length) % x.length;
        out = [...x.slice(0, axis), ...idx, ...x.slice(axis + 1)];
        break;
      }
      case 'Unsqueeze': {
        if (!x) break;
        const axes = attrInts(n, 'axes').length ? attrInts(n, 'axes') : consts.get(n.inputs[1]) ?? [];
        out = x.slice();
        for (const a of [...axes].map((a) => (a < 0 ? a + x.length + axes.length : a)).sort((p, q) => p - q)) out.splice(a, 0, 1);
        break;
      }
      case 'Flatten':
        if (x) {
          const axis = attrInt(n, 'axis', 1);
          out = [x.slice(0, axis).reduce((a, b) => a * b, 1), x.slice(axis).reduce((a, b) => a * b, 1)];
        }
        break;
      case 'Reshape': {
        const target = consts.get(n.inputs[1]);
        if (!x || !target) break;
        const total = x.reduce((a, b) => a * b, 1);
        const t = target.map((d, i) => (d === 0 ? x[i] : d));
        const known = t.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
        out = t.map((d) => (d === -1 ? total / known : d));
        break;
      }
      case 'Transpose':
        if (x) {
          const perm = attrInts(n, 'perm');
          out = perm.length ? perm.map((p) => x[p]) : x.slice().reverse();
        }
        break;
      case 'Split': {
        if (!x) break;
        const axis = (attrInt(n, 'axis', 0) + x.length) % x.length;
        const parts = consts.get(n.inputs[1]) ?? (attrInts(n, 'split').length ? attrInts(n, 'split') : n.outputs.map(() => x[axis] / n.outputs.length));
        n.outputs.forEach((o, k) => {
          const sh = x.slice();
          sh[axis] = parts[k];
          shapes.set(o, sh);
        });
        out = shapes.get(n.outputs[0]);
        break;
      }
      case 'Shape':
        if (x) out = [x.length];
        break;
      default:
        if (ELEMENTWISE.has(n.op) && x) out = x.slice();
        else if (BROADCAST.has(n.op) && ins.every(Boolean)) out = broadcast(ins as Shape[]);
    }
    if (out) shapes.set(n.outputs[0], out);
    else unknown.add(n.op);
  }
  return { flops, byOp, unknownOps: [...unknown] };
}

export const countFlopsFile = (file: string, inputShapes: Record<string, Shape>): FlopCount => countFlops(parseOnnx(readFileSync(file)), inputShapes);
