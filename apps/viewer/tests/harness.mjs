// What the browser tests stand on: a real haven-relay on a free loopback
// port (SQLite in a temporary folder), the real `haven` CLI making vaults
// and shares, and Debian's Chromium driven by playwright-core. Everything
// is started here and stopped in `stop()`; nothing is left running.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const HAVEN = process.env.HAVEN_BIN ?? join(ROOT, 'target/debug/haven');
export const RELAY = process.env.HAVEN_RELAY_BIN ?? join(ROOT, 'target/debug/haven-relay');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** Screenshots, PDFs and the relay's log go here. */
export const OUT = process.env.VIEWER_TEST_OUT ?? join(ROOT, 'target/viewer-tests');
const AXE = readFileSync(fileURLToPath(new URL('./node_modules/axe-core/axe.min.js', import.meta.url)), 'utf8');

export class World {
  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'haven-viewer-'));
    mkdirSync(OUT, { recursive: true });
    /** @type {import('node:child_process').ChildProcess | null} */
    this.relay = null;
    this.url = '';
    /** @type {import('playwright-core').Browser | null} */
    this.browser = null;
    this.vaults = 0;
    this.relayData = '';
    this.relayLog = '';
  }

  /** Starts the relay (port 0: the kernel picks a free one) and the browser. */
  async start() {
    const data = join(this.dir, 'relay');
    this.relay = spawn(RELAY, ['--listen', '127.0.0.1:0', '--data', data, '--rate', '0', '--sweep-secs', '3600'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.relayData = data;
    this.relayLog = '';
    this.relay.stderr?.on('data', (d) => { this.relayLog += d; });
    this.url = await new Promise((ok, fail) => {
      let out = '';
      this.relay?.stdout?.on('data', (d) => {
        out += d;
        const m = out.match(/listening on (\S+)/);
        if (m) ok(`http://${m[1]}`);
      });
      this.relay?.on('exit', (code) => fail(new Error(`haven-relay exited (${code}): ${this.relayLog}`)));
    });
    // The relay compiles the viewer in: make sure it serves these very files.
    for (const [served, file] of [['/s/AAAAAAAAAAAAAAAAAAAAAA', '../index.html'], ['/viewer/main.js', '../js/main.js'], ['/viewer/style.css', '../style.css']]) {
      const body = await (await fetch(`${this.url}${served}`)).text();
      if (body !== readFileSync(fileURLToPath(new URL(file, import.meta.url)), 'utf8')) {
        throw new Error(`${RELAY} serves an older ${served} than apps/viewer has: rebuild it (cargo build -p haven-relay)`);
      }
    }
    this.browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }

  async stop() {
    await this.browser?.close();
    if (this.relay && this.relay.exitCode === null) {
      const exited = new Promise((r) => this.relay?.once('exit', r));
      this.relay.kill('SIGINT');
      await exited;
    }
    writeFileSync(join(OUT, 'relay.log'), this.relayLog ?? '');
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** A new person with their own vault. */
  person() {
    this.vaults += 1;
    const vault = join(this.dir, `v${this.vaults}.haven`);
    const p = new Person(vault, this.dir);
    p.ok(['init', '--kdf-memory-mib', '19', '--kdf-iterations', '2']);
    return p;
  }

  /**
   * A fresh browser context and page, recording every request and every
   * CSP violation (the recorder is installed by playwright, outside the page's CSP).
   * @param {import('playwright-core').BrowserContextOptions} [options]
   */
  async page(options = {}) {
    const context = await /** @type {import('playwright-core').Browser} */ (this.browser).newContext(options);
    const page = await context.newPage();
    /** @type {{ url: string, method: string, headers: Record<string, string>, body: string | null }[]} */
    const requests = [];
    page.on('request', (r) => requests.push({ url: r.url(), method: r.method(), headers: r.headers(), body: r.postData() }));
    /** @type {string[]} */
    const console = [];
    page.on('console', (m) => console.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => console.push(`pageerror: ${e.message}`));
    await page.addInitScript(() => {
      // @ts-ignore
      window.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        // @ts-ignore
        window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    return { context, page, requests, console };
  }

  /**
   * Moves a share's expiry in the relay's database into the past, as time
   * passing would (the relay then answers 410 expired). @param {string} id
   */
  expireOnRelay(id) {
    const r = spawnSync('python3', ['-c', `
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
db.execute('UPDATE shares SET expires_at = ? WHERE id = ?', (int(time.time()) - 60, sys.argv[2]))
db.commit()
print(db.total_changes)
`, join(this.relayData, 'relay.db'), id], { encoding: 'utf8' });
    if (r.status !== 0 || r.stdout.trim() !== '1') throw new Error(`could not expire ${id}: ${r.stderr}${r.stdout}`);
  }
}

/** Injects axe-core into the page and returns its serious and critical violations. @param {import('playwright-core').Page} page */
export async function axeSerious(page) {
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    // @ts-ignore
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    return { violations: r.violations.map((/** @type {any} */ v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((/** @type {any} */ n) => n.target.join(' ')) })), passes: r.passes.length };
  });
  return { serious: result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'), all: result.violations, passes: result.passes };
}

export class Person {
  /** @param {string} vault @param {string} dir */
  constructor(vault, dir) {
    this.vault = vault;
    this.dir = dir;
  }

  /** Runs `haven ARGS`; returns its run. @param {string[]} args @param {Record<string, string>} [env] */
  run(args, env = {}) {
    return spawnSync(HAVEN, args, {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HAVEN_VAULT: this.vault, HAVEN_PASSPHRASE: 'viewer test passphrase', ...env },
    });
  }

  /** @param {string[]} args @param {Record<string, string>} [env] */
  ok(args, env = {}) {
    const r = this.run(args, env);
    if (r.status !== 0) throw new Error(`haven ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    return r.stdout;
  }

  /** @param {string[]} args */
  json(args) {
    return JSON.parse(this.ok(args));
  }

  /** Writes a document edited by `change` from its template. @param {'plan' | 'statement'} kind @param {(d: any) => void} change */
  edit(kind, change) {
    const doc = JSON.parse(this.ok([kind, 'template', '--format', 'json']));
    change(doc);
    const f = join(this.dir, `${kind}-${Date.now()}-${Math.random()}.json`);
    writeFileSync(f, JSON.stringify(doc));
    this.ok([kind, 'edit', f]);
  }

  /** Shares; returns `{id, link}`. @param {string} relay @param {string[]} args @param {string | null} pin */
  share(relay, args, pin = null) {
    const a = ['share', 'create', ...args, '--relay', relay, '--json'];
    if (pin) a.push('--pin');
    return JSON.parse(this.ok(a, pin ? { HAVEN_SHARE_PIN: pin } : {}));
  }

  /** The access log's events for share `id`. @param {string} id @returns {string[]} */
  events(id) {
    return this.json(['share', 'log', id, '--json']).map((/** @type {any} */ e) => e.event);
  }
}
