import { execFile } from 'node:child_process';

export interface PythonInfo {
  exe: string;
  torch: string;
  cuda: boolean;
}

/** The packages training/ imports, and how to get them. */
export const INSTALL_HINT =
  'install them: Debian/Ubuntu `apt-get install python3-torch python3-tifffile python3-skimage python3-scipy python3-numpy`, ' +
  'elsewhere `pip install torch tifffile scikit-image scipy numpy`; or set STAINLESS_PYTHON to a Python that has them';

const PROBE = 'import json, numpy, scipy, skimage, tifffile, torch; print(json.dumps({"torch": torch.__version__, "cuda": bool(torch.cuda.is_available())}))';

function probe(exe: string): Promise<PythonInfo | string> {
  return new Promise((res) => {
    // importing torch takes seconds on a loaded machine
    execFile(exe, ['-c', PROBE], { timeout: 120_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) {
        const missing = /No module named '([^']+)'/.exec(stderr);
        const code = (err as NodeJS.ErrnoException).code;
        res(missing ? `no module ${missing[1]}` : code === 'ENOENT' ? 'not found' : (stderr.trim().split('\n').pop() ?? err.message));
        return;
      }
      try {
        const j = JSON.parse(stdout.trim().split('\n').pop()!) as { torch: string; cuda: boolean };
        res({ exe, torch: j.torch, cuda: j.cuda });
      } catch {
        res(`unexpected output "${stdout.trim().slice(0, 80)}"`);
      }
    });
  });
}

/**
 * The Python that trains: STAINLESS_PYTHON (or the one given) when set — and then only that one —
 * else the first of python3, /usr/bin/python3, python that imports torch, tifffile, scikit-image,
 * scipy and numpy. Fails with one line naming what each candidate lacked and what to install.
 */
export async function findPython(configured: string | null = process.env.STAINLESS_PYTHON || null): Promise<PythonInfo> {
  const candidates = configured ? [configured] : ['python3', '/usr/bin/python3', 'python'];
  const tried: string[] = [];
  for (const exe of candidates) {
    const r = await probe(exe);
    if (typeof r !== 'string') return r;
    tried.push(`${exe}: ${r}`);
  }
  throw new Error(`no Python with torch, tifffile, scikit-image, scipy and numpy (${tried.join('; ')}): ${INSTALL_HINT}`);
}
