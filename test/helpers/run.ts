import { spawn } from 'node:child_process';

/** The outcome of a child process. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a TypeScript entry point (through tsx) as a child process, as `npm run …` would. */
export function runTs(entry: string, args: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A child process left running: what it printed so far, and how to stop it. */
export interface Running {
  stdout(): string;
  stderr(): string;
  /** Sends SIGTERM and waits for the exit (SIGKILL after 10 s); resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts a TypeScript entry point (through tsx) and resolves once its stdout matches `ready`; rejects
 * with what it printed when it exits first or `timeoutMs` passes.
 */
export function startTs(entry: string, env: Record<string, string>, ready: RegExp, timeoutMs = 60_000): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const running: Running = {
    stdout: () => stdout,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  return new Promise((resolve, reject) => {
    const fail = (why: string) => reject(new Error(`${entry} ${why}\nstdout: ${stdout}\nstderr: ${stderr}`));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(`did not print ${ready} within ${timeoutMs} ms`);
    }, timeoutMs);
    child.stdout.on('data', (d) => {
      stdout += d;
      if (ready.test(stdout)) {
        clearTimeout(timer);
        resolve(running);
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    void exited.then((code) => {
      clearTimeout(timer);
      fail(`exited (${code})`);
    });
  });
}
