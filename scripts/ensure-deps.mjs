// Installs the npm packages when node_modules is missing or older than package-lock.json, so
// `npm start` and `npm test` work on a fresh clone without a separate install step.
// Node built-ins only: this runs before any dependency exists.
import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 6)) {
  console.error(`open2fa needs Node.js 20.6 or newer (found ${process.versions.node}).`);
  process.exit(1);
}
const lock = join(root, 'package-lock.json');
const marker = join(root, 'node_modules', '.open2fa-deps');
const want = createHash('sha256').update(readFileSync(lock)).digest('hex');
const have = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : '';
if (have !== want) {
  console.error('open2fa: installing npm packages (first run; better-sqlite3 compiles natively, ~2 min)…');
  execSync('npm ci --no-audit --no-fund --loglevel=error', { cwd: root, stdio: 'inherit' });
  writeFileSync(marker, `${want}\n`);
}
