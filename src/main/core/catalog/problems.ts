import type { ImportProblem, ProblemCode } from '../../../shared/contract/catalog';

/** Non-fatal problems of one kind listed one by one up to this many, then summarised. */
const LIST_LIMIT = 50;

export class Problems {
  list: ImportProblem[] = [];
  private counts = new Map<ProblemCode, number>();
  add(severity: ImportProblem['severity'], code: ProblemCode, message: string, file?: string) {
    const n = (this.counts.get(code) ?? 0) + 1;
    this.counts.set(code, n);
    if (n <= LIST_LIMIT) this.list.push({ severity, code, message, ...(file ? { file } : {}) });
    else if (n === LIST_LIMIT + 1) this.list.push({ severity, code, message: `more problems of this kind (${code}) not listed` });
  }
  get fatal() {
    return this.list.some((p) => p.severity === 'error');
  }
}
