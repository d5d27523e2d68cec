import { z } from 'zod';

/** One request of the contract: a runtime schema for its input and a (type-only) output. */
export interface RequestDef<I extends z.ZodType = z.ZodType, O = unknown> {
  input: I;
  summary: string;
  /** phantom: carries the output type, never set at runtime */
  readonly __output?: O;
}

/** `request(schema, 'what it does').returns<Output>()` keeps output typing explicit without codegen. */
export function request<I extends z.ZodType>(input: I, summary: string) {
  return {
    returns<O>(): RequestDef<I, O> {
      return { input, summary };
    },
  };
}

export type InputOf<D> = D extends RequestDef<infer I, unknown> ? z.input<I> : never;
export type ParsedInputOf<D> = D extends RequestDef<infer I, unknown> ? z.output<I> : never;
export type OutputOf<D> = D extends RequestDef<z.ZodType, infer O> ? O : never;

export const Empty = z.object({}).strict();

/** A plate named by its catalog id or its barcode. */
export const PlateRef = z.union([z.number().int().positive(), z.string().min(1).max(200)]);
/** Which images: the acquired ones or a model's synthetic ones. */
export const ImageSource = z.enum(['acquired', 'synthetic']);
/** How objects were segmented: from a model's boundary outputs, or classically (Otsu + propagation). */
export const SegmentMethod = z.enum(['model', 'classical']);
