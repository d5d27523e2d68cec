import type { Db } from '../catalog/db';
import type { EventBus } from '../events';
import type { JobInfo, JobStatus } from '../../../shared/contract/jobs';
import { join } from 'node:path';
import { locksDir } from './runLock';
import { claimOwner, liveOwners, ownerAlive, ownerPid, type JobOwner } from './owner';
import { writeError } from '../io/output';
import type { ApiEvent } from '../../../shared/contract/events';
import type { JobKindName, JobParams, JobResult } from './kinds';

type CatalogEvent = Extract<ApiEvent, { type: 'catalog' }>;

export class JobCancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

export interface JobContext<P> {
  id: number;
  params: P;
  signal: AbortSignal;
  /** report progress; throws JobCancelled once the job was cancelled */
  progress(done: number, total: number, message?: string): void;
}

export interface JobKind<P = unknown, R = unknown> {
  title(params: P): string;
  unit: string;
  /** the catalog change a finished job of this kind makes; the manager emits it, in one place */
  emits: (result: R) => Omit<CatalogEvent, 'type'>;
  run(ctx: JobContext<P>): Promise<R>;
}

interface JobRow {
  id: number;
  kind: string;
  title: string;
  params: string;
  status: JobStatus;
  done: number;
  total: number;
  unit: string;
  message: string | null;
  error: string | null;
  result: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** the token of the JobManager that submitted or last resumed it (null: written before owners were recorded) */
  owner: string | null;
}

const now = () => new Date().toISOString();

/**
 * A persistent, serial job queue. Jobs run one at a time (a 2-core workstation gains nothing from
 * two plates fighting for cores; each job parallelises inside). Every state change is written to
 * the catalog and emitted, so the UI and a restarted app see the same picture. Each manager owns
 * the jobs it submits (owner.ts): jobs found running or queued at start-up whose owner is gone were
 * cut off by a crash or quit and become 'interrupted' (resumable); those of another live process
 * (the app while the CLI opens the same workspace) are left alone, and only that process may change them.
 */
export class JobManager {
  private kinds = new Map<string, JobKind<any, any>>(); // eslint-disable-line @typescript-eslint/no-explicit-any -- typed at register()
  private queue: number[] = [];
  private running: { id: number; abort: AbortController; startedMs: number; startDone: number } | null = null;
  private waiters = new Map<number, Array<(j: JobInfo) => void>>();
  private ownersDir: string;
  private owner: JobOwner;

  constructor(
    private db: Db,
    private events: EventBus,
  ) {
    this.ownersDir = join(locksDir(db), 'owners');
    // rows before owners: an owner named in a row had taken its lock before writing it, so a live one is found
    const unfinished = db.prepare(`SELECT id, owner FROM jobs WHERE status IN ('running','queued')`).all() as Array<Pick<JobRow, 'id' | 'owner'>>;
    const live = liveOwners(this.ownersDir);
    this.owner = claimOwner(this.ownersDir);
    for (const j of unfinished) if (!j.owner || !live.has(j.owner)) this.interrupt(j);
  }

  /** Let go of this manager's jobs: any still running here are found interrupted by the next process to open the workspace. */
  close(): void {
    this.owner.release();
  }

  register<K extends JobKindName>(kind: K, def: JobKind<JobParams<K>, JobResult<K>>): void {
    this.kinds.set(kind, def);
  }

  submit<K extends JobKindName>(kind: K, params: JobParams<K>): JobInfo {
    const def = this.kinds.get(kind);
    if (!def) throw new Error(`unknown job kind "${kind}"`);
    const info = this.db
      .prepare(`INSERT INTO jobs (kind, title, params, unit, owner) VALUES (?, ?, ?, ?, ?) RETURNING id`)
      .get(kind, def.title(params), JSON.stringify(params), def.unit, this.owner.token) as { id: number };
    this.queue.push(info.id);
    const job = this.get(info.id)!;
    this.events.emit({ type: 'job', job });
    queueMicrotask(() => this.pump());
    return job;
  }

  /** Resolve when the job reaches a final state. */
  wait(id: number): Promise<JobInfo> {
    const j = this.get(id);
    if (j && isFinal(j.status)) return Promise.resolve(j);
    return new Promise((res) => {
      const list = this.waiters.get(id) ?? [];
      list.push(res);
      this.waiters.set(id, list);
    });
  }

  /** A finished job's result, typed by its kind (checked: a job of another kind is an error). */
  resultOf<K extends JobKindName>(job: JobInfo, kind: K): JobResult<K> {
    if (job.kind !== kind) throw new Error(`job ${job.id} is a ${job.kind} job, not ${kind}`);
    if (job.status !== 'done') throw new Error(`job ${job.id} is ${job.status}${job.error ? `: ${job.error}` : ''}`);
    return job.result as JobResult<K>;
  }

  cancel(id: number): JobInfo {
    if (this.running?.id === id) this.running.abort.abort();
    else {
      const j = this.settled(id);
      if (j.status === 'queued' || j.status === 'interrupted') {
        this.queue = this.queue.filter((q) => q !== id);
        this.finish(id, 'cancelled', null, null);
      }
    }
    return this.get(id)!;
  }

  /** Run a stopped job again, in this process (which owns it from now). */
  resume(id: number): JobInfo {
    const j = this.settled(id);
    if (j.status !== 'interrupted' && j.status !== 'failed' && j.status !== 'cancelled')
      throw new Error(`job ${id} is ${j.status}; only interrupted, failed or cancelled jobs resume`);
    this.db.prepare(`UPDATE jobs SET status='queued', owner=?, error=NULL, message=NULL, finished_at=NULL WHERE id=?`).run(this.owner.token, id);
    this.queue.push(id);
    this.emit(id);
    queueMicrotask(() => this.pump());
    return this.get(id)!;
  }

  /**
   * The latest job of this kind with these parameters when it was cancelled or interrupted (not
   * when it finished or failed since): what re-running the same command resumes.
   */
  latestStopped<K extends JobKindName>(kind: K, params: JobParams<K>): JobInfo | null {
    const want = canonical(params);
    for (const r of this.db.prepare(`SELECT id, status, params FROM jobs WHERE kind = ? ORDER BY id DESC`).iterate(kind) as Iterable<{ id: number; status: string; params: string }>) {
      if (canonical(JSON.parse(r.params)) !== want) continue;
      return r.status === 'cancelled' || r.status === 'interrupted' ? this.get(r.id) : null;
    }
    return null;
  }

  list(limit = 100): JobInfo[] {
    const rows = () => this.db.prepare(`SELECT * FROM jobs ORDER BY id DESC LIMIT ?`).all(limit) as JobRow[];
    let list = rows();
    // another process's jobs whose process has died since this one opened the workspace show as interrupted
    const dead = list.filter((r) => this.foreignActive(r) && !(r.owner && ownerAlive(this.ownersDir, r.owner)));
    if (dead.length) {
      for (const r of dead) this.interrupt(r);
      list = rows();
    }
    return list.map((r) => this.toInfo(r));
  }

  get(id: number): JobInfo | null {
    const r = this.row(id);
    return r ? this.toInfo(r) : null;
  }

  get busy(): boolean {
    return this.running !== null || this.queue.length > 0;
  }

  private row(id: number): JobRow | undefined {
    return this.db.prepare(`SELECT * FROM jobs WHERE id=?`).get(id) as JobRow | undefined;
  }

  /**
   * A job's row once no other process can be running it: refused while a live process owns it
   * running or queued; interrupted first if its owner died after this process opened the workspace.
   */
  private settled(id: number): JobRow {
    const r = this.row(id);
    if (!r) throw new Error(`no job ${id}`);
    if (!this.foreignActive(r)) return r;
    if (r.owner && ownerAlive(this.ownersDir, r.owner)) throw new Error(`job ${id} is ${r.status} in another Stainless process (pid ${ownerPid(r.owner)}); stop it there`);
    this.interrupt(r);
    return this.row(id)!;
  }

  /** running or queued under another owner (a live process, or one gone since this one started) */
  private foreignActive(r: JobRow): boolean {
    return (r.status === 'running' || r.status === 'queued') && r.owner !== this.owner.token;
  }

  /** Mark a job whose owner is gone; not if another process resumed it (a new owner) meanwhile. */
  private interrupt(j: Pick<JobRow, 'id' | 'owner'>): void {
    this.db
      .prepare(`UPDATE jobs SET status='interrupted', message='stopped when its Stainless process quit or crashed' WHERE id=? AND status IN ('running','queued') AND owner IS ?`)
      .run(j.id, j.owner);
  }

  private toInfo(r: JobRow): JobInfo {
    let rate: number | null = null;
    let eta: number | null = null;
    if (this.running?.id === r.id) {
      const secs = (Date.now() - this.running.startedMs) / 1000;
      const did = r.done - this.running.startDone;
      if (secs > 0.5 && did > 0) {
        rate = did / secs;
        eta = Math.max(0, (r.total - r.done) / rate);
      }
    }
    return {
      id: r.id,
      kind: r.kind,
      title: r.title,
      status: r.status,
      done: r.done,
      total: r.total,
      unit: r.unit,
      rate,
      eta,
      message: r.message,
      error: r.error,
      createdAt: r.created_at,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      result: r.result ? JSON.parse(r.result) : null,
      elsewherePid: this.foreignActive(r) && r.owner ? ownerPid(r.owner) : null,
    };
  }

  private emit(id: number) {
    const job = this.get(id);
    if (job) this.events.emit({ type: 'job', job });
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    const id = this.queue.shift();
    if (id === undefined) return;
    const row = this.row(id);
    const def = row && this.kinds.get(row.kind);
    if (!row || !def) {
      if (row) this.finish(id, 'failed', `unknown job kind "${row.kind}"`, null);
      return this.pump();
    }
    const abort = new AbortController();
    this.running = { id, abort, startedMs: Date.now(), startDone: row.done };
    this.db.prepare(`UPDATE jobs SET status='running', started_at=? WHERE id=?`).run(now(), id);
    this.emit(id);
    let lastEmit = 0;
    const ctx: JobContext<unknown> = {
      id,
      params: JSON.parse(row.params),
      signal: abort.signal,
      progress: (done, total, message) => {
        if (abort.signal.aborted) throw new JobCancelled();
        this.db.prepare(`UPDATE jobs SET done=?, total=?, message=coalesce(?, message) WHERE id=?`).run(done, total, message ?? null, id);
        const t = Date.now();
        if (t - lastEmit > 100 || done === total) {
          lastEmit = t;
          this.emit(id);
        }
      },
    };
    try {
      const result = await def.run(ctx);
      if (abort.signal.aborted) this.finish(id, 'cancelled', null, result);
      else {
        this.events.emit({ type: 'catalog', ...def.emits(result) });
        this.finish(id, 'done', null, result);
      }
    } catch (e) {
      if (e instanceof JobCancelled || abort.signal.aborted) this.finish(id, 'cancelled', null, null);
      else this.finish(id, 'failed', writeError(this.db.name, e).message, null);
    } finally {
      this.running = null;
    }
    void this.pump();
  }

  private finish(id: number, status: JobStatus, error: string | null, result: unknown) {
    let job: JobInfo;
    try {
      this.db
        .prepare(`UPDATE jobs SET status=?, error=?, result=?, finished_at=? WHERE id=?`)
        .run(status, error, result === null || result === undefined ? null : JSON.stringify(result), now(), id);
      job = this.get(id)!;
    } catch (e) {
      // the catalog cannot record the end (e.g. its disk is full): the waiters still learn it, and
      // the row left 'running' is marked interrupted when the workspace is next opened
      const why = writeError(this.db.name, e).message;
      job = { ...this.get(id)!, status, result, error: error ? `${error} (and the catalog could not record it: ${why})` : `the catalog could not record the job's end: ${why}` };
    }
    this.events.emit({ type: 'job', job });
    for (const w of this.waiters.get(id) ?? []) w(job);
    this.waiters.delete(id);
  }
}

const isFinal = (s: JobStatus) => s === 'done' || s === 'failed' || s === 'cancelled';

/** JSON with sorted keys and undefined left out: equal parameters compare equal whatever their order. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x,
  );
}
