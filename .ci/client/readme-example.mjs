// Writes readme-example.ts: the TypeScript example of docs/scripts.md, exactly, with the token and the daemon's
// URL from the environment, so that CI type-checks it against the generated client and runs it.
import { readFileSync, writeFileSync } from 'node:fs';

const readme = readFileSync(new URL('../../docs/scripts.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('Generating a client'));
const block = /```ts\n([\s\S]*?)```/.exec(section)[1];
const lines = block.replace('"http://127.0.0.1:8765"', '(process.env.SHMBRIDGE_URL ?? "http://127.0.0.1:8765")').split('\n');
const lastImport = lines.findLastIndex((l) => l.startsWith('import '));
lines.splice(lastImport + 1, 0, 'const token = process.env.TOKEN ?? process.env.SHMBRIDGE_TOKEN ?? "";');
writeFileSync(new URL('readme-example.ts', import.meta.url), '// Generated from docs/scripts.md by readme-example.mjs.\n' + lines.join('\n'));
