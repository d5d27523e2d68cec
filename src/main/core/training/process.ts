import { spawn } from 'node:child_process';

/** What train.py prints as `STAINLESS_PROGRESS {json}` (training/train.py --progress-json). */
export type TrainProgress =
  | { phase: 'start'; device: string; steps: number; sites: number }
  | { phase: 'train'; step: number; steps: number; loss: number; seconds: number }
  | { phase: 'export' }
  | { phase: 'done'; onnx: string; steps: number; minutes: number };

const PREFIX = 'STAINLESS_PROGRESS ';

/** A progress line, or null for the script's other output. */
export function parseProgressLine(line: string): TrainProgress | null {
  if (!line.startsWith(PREFIX)) return null;
  try {
    const p = JSON.parse(line.slice(PREFIX.length)) as TrainProgress;
    return typeof p === 'object' && p && typeof p.phase === 'string' ? p : null;
  } catch {
    return null;
  }
}

export class ProcessCancelled extends Error {}

/**
 * Runs the training script in a process group of its own, calling back for every progress line.
 * Aborting kills the whole group (torch's worker threads and any children), SIGTERM then SIGKILL.
 * A non-zero exit rejects with the script's last error line.
 */
export function runTraining(exe: string, args: string[], opts: { cwd: string; signal: AbortSignal; onProgress(p: TrainProgress): void; onLog?(line: string): void }): Promise<void> {
  return new Promise((resolve, reject) => {
    if (opts.signal.aborted) return reject(new ProcessCancelled('cancelled'));
    const child = spawn(exe, args, { cwd: opts.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    const tail: string[] = [];
    const keep = (line: string) => {
      if (!line.trim()) return;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      opts.onLog?.(line);
    };
    let killTimer: NodeJS.Timeout | null = null;
    const kill = () => {
      if (child.pid === undefined || child.exitCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      killTimer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, 5000);
    };
    opts.signal.addEventListener('abort', kill, { once: true });
    const lines = (stream: NodeJS.ReadableStream, each: (l: string) => void) => {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          each(buf.slice(0, i));
          buf = buf.slice(i + 1);
        }
      });
      stream.on('end', () => buf && each(buf));
    };
    lines(child.stdout!, (l) => {
      const p = parseProgressLine(l);
      if (p) opts.onProgress(p);
      else keep(l);
    });
    lines(child.stderr!, keep);
    child.on('error', (e) => reject(new Error(`${exe}: ${e.message}`)));
    child.on('close', (code, sig) => {
      opts.signal.removeEventListener('abort', kill);
      if (killTimer) clearTimeout(killTimer);
      if (opts.signal.aborted) return reject(new ProcessCancelled('cancelled'));
      if (code === 0) return resolve();
      const err = [...tail].reverse().find((l) => /error|Error|Traceback/.test(l)) ?? tail.at(-1) ?? '';
      reject(new Error(`training/train.py ${sig ? `was killed (${sig})` : `exited with status ${code}`}${err ? `: ${err.replace(/^error: /, '')}` : ''}`));
    });
  });
}
