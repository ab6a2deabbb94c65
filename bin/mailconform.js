#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm run build`, or by `prepare` on install).
// Output piped into a reader that stops early (`mailconform list | head`): stop quietly, as other tools do.
process.stdout.on('error', (err) => {
  if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});
import('../dist/src/cli/main.js')
  .then((cli) => cli.main(process.argv.slice(2)))
  .then((code) => { process.exitCode = code; })
  .catch((err) => {
    const missing = err && err.code === 'ERR_MODULE_NOT_FOUND';
    process.stderr.write(missing
      ? 'mailconform: not built yet — run `npm install` (or `npm run build`) in the package directory\n'
      : `mailconform: ${err && err.message ? err.message : String(err)}\n`);
    process.exitCode = 2;
  });
