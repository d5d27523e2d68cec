/** One figure of a benchmark: `npm run bench` prints these as a table. */
export interface BenchRow {
  stage: string;
  figure: string;
  value: number;
  unit: string;
  note?: string;
}
