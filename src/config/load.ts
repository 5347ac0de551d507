import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { configSchema, ENV_KEYS, type Config } from './schema.ts';

export class ConfigError extends Error {}

/** The only place that reads process.env. */
export function loadConfig(options: { file?: string; env?: NodeJS.ProcessEnv; overrides?: Record<string, unknown> } = {}): Config {
  const env = options.env ?? process.env;
  const file = options.file ?? env.OPEN2FA_CONFIG;
  const merged: Record<string, unknown> = file ? readConfigFile(file) : {};
  for (const [name, path] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value !== undefined && value !== '') setPath(merged, path, /^\d+$/.test(value) && isNumericSetting(path) ? Number(value) : value);
  }
  Object.assign(merged, options.overrides ?? {});
  const result = configSchema.safeParse(merged);
  if (!result.success) throw new ConfigError(`Invalid configuration:\n${formatIssues(result.error)}`);
  return result.data;
}

/** Also used for channel sections, so every message names the full key. */
export function formatIssues(error: z.ZodError, prefix = ''): string {
  return error.issues.map((i) => `  ${[prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(root)'}: ${i.message}`).join('\n');
}

export function parseSection<T>(schema: z.ZodType<T>, value: unknown, name: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new ConfigError(`Invalid configuration:\n${formatIssues(result.error, name)}`);
  return result.data;
}

/**
 * Environment values are strings; a digit-only one becomes a number only where the schema's
 * default is a number, so OPEN2FA_DATA_DIR=2026 or an all-digit key stay strings.
 */
let defaults: unknown;
function isNumericSetting(path: string[]): boolean {
  defaults ??= configSchema.safeParse({}).data ?? {};
  let node = defaults;
  for (const key of path) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  return typeof node === 'number';
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  let parsed: unknown;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read config file ${file}: ${(err as Error).message}`);
  }
  try {
    parsed = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(`Config file ${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`Config file ${file} must hold settings as key: value pairs, not ${Array.isArray(parsed) ? 'a list' : `a single ${typeof parsed}`}`);
  }
  return parsed as Record<string, unknown>;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path.at(-1) as string] = value;
}
