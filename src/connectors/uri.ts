import { DataKernelError } from '../errors.js';

/** A database URI with its password resolved and a form safe to show. */
export interface SourceUri {
  url: URL;
  /** The password to use (from the URI, an environment variable or a prompt), never shown. */
  password?: string;
  /** The URI with the password replaced by ***. */
  display: string;
}

const ENV_REF = /\$\{([A-Za-z_]\w*)\}/g;

function envValue(name: string): string {
  const value = process.env[name];
  if (value === undefined) {
    throw new DataKernelError(`Environment variable ${name} is not set`, `Set it (e.g. %env ${name}=...) or give the password another way (--password prompts for it).`);
  }
  return value;
}

/**
 * Parses a database URI. `${VAR}` anywhere is replaced by the environment variable VAR; a password written
 * `env:VAR` is read from VAR; `password` (e.g. from a prompt) overrides the URI's.
 */
export function parseSourceUri(uri: string, password?: string): SourceUri {
  const expanded = uri.replace(ENV_REF, (_m, name: string) => encodeURIComponent(envValue(name)));
  let url: URL;
  try {
    url = new URL(expanded);
  } catch {
    throw new DataKernelError(`Not a valid URI: ${redactText(uri)}`, 'Write it like postgres://user@host:5432/db or mysql://user@host/db.');
  }
  let secret = password ?? (url.password ? decodeURIComponent(url.password) : undefined);
  if (password === undefined && secret?.startsWith('env:')) secret = envValue(secret.slice(4));
  url.password = '';
  const shown = new URL(url.href);
  if (secret) shown.password = '***';
  return { url, password: secret, display: decodeURI(shown.href) };
}

/** Text with the password part of any URI in it replaced by ***. */
export function redactText(text: string): string {
  return text.replace(/(\w+:\/\/[^:/@\s]*:)[^@\s]*@/g, '$1***@');
}

/** Removes each secret (raw and URI-encoded) from a message from a database driver. */
export function scrub(message: string, secrets: Array<string | undefined>): string {
  let out = redactText(message);
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join('***');
  }
  return out;
}
