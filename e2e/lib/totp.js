// RFC 6238 time-based one-time passwords (HMAC-SHA-1, 6 digits, 30-second steps), as the
// authenticator apps compute them, from a base32 secret. No dependencies.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Decode RFC 4648 base32 (case-insensitive; spaces, dashes and '=' padding ignored). */
export function base32Decode(secret) {
  const clean = secret.toUpperCase().replace(/[\s=-]/g, '');
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const idx = ALPHABET.indexOf(ch);
    if (idx < 0) throw new Error(`invalid base32 character '${ch}' in TOTP secret`);
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 4226 HOTP for a counter. */
export function hotp(key, counter, digits = 6) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(msg).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(code).padStart(digits, '0');
}

/** The TOTP code for a base32 secret at a time (ms since the epoch; default now). */
export function totp(secret, { at = Date.now(), step = 30, digits = 6 } = {}) {
  return hotp(base32Decode(secret), Math.floor(at / 1000 / step), digits);
}

/**
 * A code that stays valid long enough to be typed and submitted: if the current 30-second
 * window ends within `margin` seconds, wait for the next window first. Hearth accepts each
 * code once (a second sign-in in the same window is refused as a replay), so a window
 * already used for this secret — by any test file, each run in its own process — is waited
 * out too; the windows used are kept in the run's scratch directory.
 */
export async function freshTotp(secret, { margin = 5, step = 30 } = {}) {
  const used = usedSteps();
  const key = createHash('sha256').update(secret).digest('hex').slice(0, 16);
  for (;;) {
    const now = Date.now() / 1000;
    const left = step - (now % step);
    const current = Math.floor(now / step);
    if (left < margin || current <= (used[key] ?? -1)) {
      await new Promise((resolve) => setTimeout(resolve, left * 1000 + 200));
      continue;
    }
    used[key] = current;
    saveUsedSteps(used);
    return totp(secret, { step });
  }
}

function stepsFile() {
  return process.env.HEARTH_E2E_TMP ? join(process.env.HEARTH_E2E_TMP, 'totp-steps.json') : null;
}

function usedSteps() {
  const file = stepsFile();
  if (!file) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
}

function saveUsedSteps(used) {
  const file = stepsFile();
  if (file) writeFileSync(file, JSON.stringify(used));
}
