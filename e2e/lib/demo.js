// Sign-in details that `hearth demo` prints on its stdout, which e2e/run captures in the file
// named by HEARTH_DEMO_LOG. The demo prints, one line per user and one for a child:
//   sign-in: username=sam.worker password=hearth-demo-2026 role=social_worker totp=JBSWY3DPEHPK3PXP
//   example-child: id=<uuid> name=<Given Family>
// (totp=- when the user has no second factor.)
import { readFileSync } from 'node:fs';

const SIGN_IN = /^\s*sign-in: username=(\S+) password=(\S+) role=(\S+) totp=(\S+)\s*$/;
const CHILD = /^\s*example-child: id=(\S+) name=(.+?)\s*$/;
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

/** Parse the demo's output text. */
export function parseDemoOutput(text) {
  const users = new Map();
  let child = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(ANSI, '');
    let m = SIGN_IN.exec(line);
    if (m) {
      const [, username, password, role, secret] = m;
      users.set(username, { username, password, role, totp: secret === '-' ? null : secret });
      continue;
    }
    m = CHILD.exec(line);
    if (m) {
      const [, id, name] = m;
      const parts = name.split(/\s+/);
      // The demo's name is "<Given> <Family>"; a two-word family name ("De Souza") would
      // still be found by searching for the last word.
      child = { id, name, given: parts[0], family: parts.slice(1).join(' ') || parts[0], lastWord: parts[parts.length - 1] };
    }
  }
  return { users, child };
}

function logPath() {
  const path = process.env.HEARTH_DEMO_LOG;
  if (!path) {
    throw new Error('HEARTH_DEMO_LOG is not set: run the browser tests through e2e/run path/to/hearth');
  }
  return path;
}

/**
 * Read the demo's sign-ins and example child. The server may print them a moment after
 * it starts answering, so wait up to `timeoutMs` for at least one sign-in line (and the
 * example child, if `needChild`).
 */
export async function loadDemo({ timeoutMs = 10_000, needChild = true } = {}) {
  const path = logPath();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      // not written yet
    }
    const demo = parseDemoOutput(text);
    if (demo.users.size > 0 && (!needChild || demo.child)) return demo;
    if (Date.now() > deadline) {
      throw new Error(
        `no ${demo.users.size === 0 ? "'sign-in: username=…'" : "'example-child: id=…'"} line in the demo's output ${path}:\n` +
          text.split('\n').slice(0, 40).join('\n'),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** One user's sign-in details, by username. */
export async function demoUser(username) {
  const { users } = await loadDemo({ needChild: false });
  const user = users.get(username);
  if (!user) {
    throw new Error(`the demo printed no sign-in for '${username}' (it printed: ${[...users.keys()].join(', ')})`);
  }
  return user;
}

/** The child the demo allocated to sam.worker. */
export async function exampleChild() {
  const { child } = await loadDemo({ needChild: true });
  return child;
}
