import type { ImportProblem, ProblemCode } from '../../../shared/contract/catalog';

/** Non-fatal problems of one kind listed one by one up to this many, then summarised. */
const LIST_LIMIT = 50;

export class Problems {
  list: ImportProblem[] = [];
  /** every problem found, listed or not */
  counts = { errors: 0, warnings: 0 };
  private byCode = new Map<ProblemCode, { n: number; summary?: ImportProblem }>();
  add(severity: ImportProblem['severity'], code: ProblemCode, message: string, file?: string) {
    if (severity === 'error') this.counts.errors++;
    else this.counts.warnings++;
    const c = this.byCode.get(code) ?? { n: 0 };
    this.byCode.set(code, c);
    c.n++;
    if (c.n <= LIST_LIMIT) this.list.push({ severity, code, message, ...(file ? { file } : {}) });
    else {
      // one entry, kept up to date, says how many more of this kind there are
      if (!c.summary) this.list.push((c.summary = { severity, code, message: '' }));
      c.summary.message = `${c.n - LIST_LIMIT} more problems of this kind (${code}) not listed: ${c.n} in all`;
    }
  }
  get fatal() {
    return this.list.some((p) => p.severity === 'error');
  }
}
