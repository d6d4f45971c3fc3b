/**
 * `npm run build:web`: bundles the search page (web/src) with esbuild into web/dist, the folder
 * `npm start` serves and `cdk deploy -c web=true` uploads: index.html, app.js, style.css.
 */
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = join(import.meta.dirname, '..');

/** Where the page's sources are. */
export const WEB_SOURCE_DIR = join(root, 'web', 'src');
/** Where the built page goes by default. */
export const WEB_DIST_DIR = join(root, 'web', 'dist');
/** What a build writes. */
export const WEB_OUTPUTS = ['index.html', 'app.js', 'style.css'] as const;

// Besides web/src, the bundle reads the client; the build script itself decides the output.
const EXTRA_INPUTS = [join(root, 'lib', 'client.ts'), join(root, 'scripts', 'build-web.ts')];

/** Options of {@link buildWeb}. */
export interface BuildWebOptions {
  /** @default web/dist */
  readonly outdir?: string;
  /** @default true */
  readonly minify?: boolean;
}

/** Bundles the page into `outdir` (emptied first) and answers the files written. */
export async function buildWeb(options: BuildWebOptions = {}): Promise<{ outdir: string; files: string[] }> {
  const outdir = options.outdir ?? WEB_DIST_DIR;
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: { app: join(WEB_SOURCE_DIR, 'main.ts'), style: join(WEB_SOURCE_DIR, 'style.css') },
    outdir,
    bundle: true,
    format: 'esm',
    // Browsers of the last few years: module scripts, optional chaining, CSS nesting not needed.
    target: ['chrome100', 'firefox100', 'safari15', 'edge100'],
    minify: options.minify ?? true,
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
  });
  copyFileSync(join(WEB_SOURCE_DIR, 'index.html'), join(outdir, 'index.html'));
  return { outdir, files: readdirSync(outdir).sort() };
}

/** Whether `outdir` lacks a file of the build or is older than any source of it. */
export function webIsStale(outdir = WEB_DIST_DIR): boolean {
  const outputs = WEB_OUTPUTS.map((name) => join(outdir, name));
  if (!outputs.every((file) => existsSync(file))) return true;
  const built = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  const sources = [...listFiles(WEB_SOURCE_DIR), ...EXTRA_INPUTS];
  return sources.some((file) => statSync(file).mtimeMs > built);
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  const { outdir, files } = await buildWeb();
  console.log(`built ${outdir}: ${files.join(', ')}`);
}
