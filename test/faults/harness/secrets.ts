import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/*
 * Planted secrets: the right and a wrong database password, and one typed at a password prompt. They reach
 * the kernel only through the environment (${VAR} in URIs) and input prompts, so finding one anywhere the user
 * or a log can read is a leak. Fresh per run, so a leak in an old file cannot pass for a new one.
 */
const token = randomBytes(6).toString('hex');
export const SECRETS = {
  password: `Pw-${token}-right`,
  wrongPassword: `Pw-${token}-wrong`,
  typed: `Pw-${token}-typed`,
};

/** The names of the secrets found in `text` (also URL-encoded or base64, as a driver might write them). */
export function findSecrets(text: string): string[] {
  return Object.entries(SECRETS)
    .filter(([, secret]) => [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')].some((form) => text.includes(form)))
    .map(([name]) => name);
}

/** The text of every file under `dir` (up to 4 MB each), for the leak scan of what a case wrote. */
export function filesText(dir: string): string {
  if (!existsSync(dir)) return '';
  const texts: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && statSync(path).size <= 4 * 1024 * 1024) texts.push(readFileSync(path, 'latin1'));
    }
  };
  walk(dir);
  return texts.join('\n');
}
