import { spawn } from 'node:child_process';

const SEED_TIMEOUT_MS = 30_000;
const STDERR_TAIL = 500;

/**
 * Runs the user's --seed-command with the message on stdin, bounded in time. The command is the
 * user's own (e.g. "doveadm save -u alice"); it runs through /bin/sh like a CI step would.
 */
export function runSeedCommand(command: string, message: Buffer, timeoutMs = SEED_TIMEOUT_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`--seed-command did not finish within ${timeoutMs} ms: ${command}`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`--seed-command could not start: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`--seed-command exited ${code ?? signal}: ${stderr.trim().split('\n').at(-1) ?? ''} (${command})`));
    });
    // A command that doesn't read stdin closes the pipe early: that is its exit code's business.
    child.stdin.on('error', () => undefined);
    child.stdin.end(message);
  });
}
