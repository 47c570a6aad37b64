/**
 * `ithc verify -`: one code per stdin line, one result per stdout line, in order, in bounded memory,
 * with a clean error for every hostile line. Runs the built command as a child process.
 */
import { toHex } from '../../core/bytes';
import { ERROR_CODES } from '../../core/errors';
import { decodeStages } from '../../core/hcert';
import { makeDsc, sampleDcc, signDcc, type Dsc } from '../../bench/fixtures';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../cli/main';
import { batchWorkerCount } from '../../cli/workers';
import { BIN, ensureBuilt, jsonLines, runCli, streamCli, tamper, tempDir, trustFiles, type TrustFiles } from './helpers';
import { prng } from '../../bench/prng';
import { hostileLines } from './hostile-lines';
import { format } from '../../core/view';

const DAY = 86400;
const T0 = Date.UTC(2030, 0, 15) / 1000;
const AT = new Date(T0 * 1000).toISOString();
const JSON_KEYS = ['valid', 'verdict', 'format', 'kid', 'issuer', 'errors', 'missing', 'payload'];
const MB = 1024 * 1024;

type Kind = 'valid' | 'tampered' | 'garbage' | 'expired' | 'unknown-key';
const EXPECTED_ERROR: Record<Exclude<Kind, 'valid'>, string> = {
  tampered: 'SIGNATURE_INVALID',
  garbage: 'PREFIX_UNKNOWN',
  expired: 'EXPIRED',
  'unknown-key': 'KID_UNKNOWN',
};
const KINDS: Kind[] = ['valid', 'tampered', 'garbage', 'expired', 'unknown-key'];

let trust: TrustFiles;
let stranger: Dsc;

/** Line i of a mixed stream: its kind follows from i, its content carries i. */
async function mixedLine(i: number): Promise<{ kind: Kind; line: string }> {
  const kind = KINDS[i % KINDS.length];
  const dcc = sampleDcc(i);
  switch (kind) {
    case 'valid':
      return { kind, line: await signDcc(trust.dsc, dcc, { iat: T0 - DAY, exp: T0 + DAY }) };
    case 'expired':
      return { kind, line: await signDcc(trust.dsc, dcc, { iat: T0 - 2 * DAY, exp: T0 - DAY }) };
    case 'unknown-key':
      return { kind, line: await signDcc(stranger, dcc, { iat: T0 - DAY, exp: T0 + DAY }) };
    case 'tampered':
      return { kind, line: tamper(await signDcc(trust.dsc, dcc, { iat: T0 - DAY, exp: T0 + DAY }), i) };
    default:
      return { kind, line: `line ${i} is not a code` };
  }
}

beforeAll(async () => {
  await ensureBuilt();
  trust = trustFiles();
  stranger = makeDsc({ country: 'ZZ' });
});

describe('ithc verify - (standard input)', () => {
  let mixed: Array<{ kind: Kind; line: string }>;
  beforeAll(async () => {
    mixed = [];
    for (let i = 0; i < 3000; i++) mixed.push(await mixedLine(i));
  });

  it('streams one result per line, in input order, for thousands of mixed lines', async () => {
    const r = await runCli(['verify', '--json', '--trust', trust.list, '--at', AT, '-'], { input: mixed.map((m) => m.line + '\n') });
    expect(r.code).toBe(1);
    const out = jsonLines(r.stdout);
    expect(out).toHaveLength(mixed.length);
    out.forEach((o, i) => {
      const { kind } = mixed[i];
      expect(Object.keys(o)).toEqual(JSON_KEYS);
      const errors = (o.errors as Array<{ code: string }>).map((e) => e.code);
      if (kind === 'valid') {
        // The payload names its line: output i belongs to input i.
        expect({ i, valid: o.valid, payload: o.payload }).toEqual({ i, valid: true, payload: sampleDcc(i) });
      } else {
        // An expired code's signature verified, so its payload is shown; the others' is not.
        const payload = kind === 'expired' ? sampleDcc(i) : null;
        expect({ i, valid: o.valid, payload: o.payload, errors }).toEqual({ i, valid: false, payload, errors: [EXPECTED_ERROR[kind]] });
      }
    });
  });

  it('gives the same output with 0, 1 or 2 workers, and for a small input verified without workers', async () => {
    const args = ['verify', '--json', '--trust', trust.list, '--at', AT, '-'];
    const input = mixed.slice(0, 500).map((m) => m.line + '\n');
    const outputs = await Promise.all(['0', '1', '2'].map((n) => runCli(args, { input, env: { ITHC_WORKERS: n } })));
    expect(outputs.map((o) => o.code)).toEqual([1, 1, 1]);
    expect(outputs[1].stdout).toBe(outputs[0].stdout);
    expect(outputs[2].stdout).toBe(outputs[0].stdout);
    expect(jsonLines(outputs[0].stdout)).toHaveLength(500);

    const small = await runCli(args, { input: mixed.slice(0, 10).map((m) => m.line + '\n') });
    expect(small.stdout).toBe(outputs[0].stdout.split('\n').slice(0, 10).join('\n') + '\n');
  });

  it('reads a file on standard input to the same lines as a pipe (a file of this size runs no worker, a pipe one)', async () => {
    const args = ['verify', '--json', '--trust', trust.list, '--at', AT, '-'];
    const text = mixed
      .slice(0, 500)
      .map((m) => m.line + '\n')
      .join('');
    const file = join(tempDir(), 'codes.txt');
    writeFileSync(file, text);
    // A size the CLI verifies without workers by default; a pipe gets one.
    expect(batchWorkerCount(Buffer.byteLength(text), {}, 2)).toBe(0);
    expect(batchWorkerCount(null, {}, 2)).toBe(1);
    const fd = openSync(file, 'r');
    let fromFile: ReturnType<typeof spawnSync>;
    try {
      fromFile = spawnSync(process.execPath, [BIN, ...args], { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8' });
    } finally {
      closeSync(fd);
    }
    const piped = await runCli(args, { input: text, env: { ITHC_WORKERS: '1' } });
    expect(fromFile.status).toBe(1);
    expect(fromFile.stdout).toBe(piped.stdout);
    expect(jsonLines(piped.stdout)).toHaveLength(500);
  });

  it('runs as many workers as the adapter says for its input: none starts a worker at all', async () => {
    // A worker script that cannot start: a run that starts a worker fails.
    const workerScript = join(tempDir(), 'no-worker.cjs');
    writeFileSync(workerScript, "throw new Error('no worker may start here');\n");
    const args = ['verify', '--json', '--trust', trust.list, '--at', AT, '-'];
    const text = mixed
      .slice(0, 500)
      .map((m) => m.line + '\n')
      .join('');
    const inProcess = async (workers: number) => {
      const [stdin, stdout, stderr] = [new PassThrough(), new PassThrough(), new PassThrough()];
      let out = '';
      let err = '';
      stdout.on('data', (d: Buffer) => (out += d.toString()));
      stderr.on('data', (d: Buffer) => (err += d.toString()));
      stdin.end(text);
      const code = await main(args, { stdin, stdout, stderr, workerScript, batchWorkers: () => workers });
      return { code, out, err };
    };
    const none = await inProcess(0);
    expect(none.code).toBe(1);
    expect(none.out).toBe((await runCli(args, { input: text })).stdout);
    const one = await inProcess(1);
    expect(one.code).toBe(2);
    expect(one.err).toMatch(/no worker may start here/);
  });

  it('exits 0 when every line is valid; takes CRLF line ends and a last line without a newline', async () => {
    const valid = mixed
      .filter((m) => m.kind === 'valid')
      .slice(0, 5)
      .map((m) => m.line);
    const r = await runCli(['verify', '--json', '--trust', trust.list, '--at', AT, '-'], { input: valid.join('\r\n') });
    expect(r.code).toBe(0);
    expect(jsonLines(r.stdout).map((o) => o.valid)).toEqual([true, true, true, true, true]);
  });

  it('answers a blank line with an error line of its own, keeping lines aligned', async () => {
    const valid = mixed[0].line;
    const r = await runCli(['verify', '--json', '--trust', trust.list, '--at', AT, '-'], { input: `${valid}\n\n${valid}\n` });
    expect(jsonLines(r.stdout).map((o) => [o.valid, (o.errors as Array<{ code: string }>)[0]?.code ?? null])).toEqual([
      [true, null],
      [false, 'PREFIX_UNKNOWN'],
      [true, null],
    ]);
  });

  it('without --json prints one numbered line per code', async () => {
    const lines = mixed.slice(0, 200);
    const r = await runCli(['verify', '--trust', trust.list, '--at', AT, '-'], { input: lines.map((m) => m.line + '\n') });
    const out = r.stdout.split('\n').filter(Boolean);
    expect(out).toHaveLength(lines.length);
    out.forEach((text, i) => {
      const verdict = lines[i].kind === 'valid' ? `✔ ${format('en', 'verdict.valid')}` : `✘ ${format('en', 'verdict.invalid')}`;
      expect(text.startsWith(`${i + 1}  ${verdict}`)).toBe(true);
    });
  });

  it('without --json keeps hostile lines to one printable line each', async () => {
    const damaged = mixed
      .filter((m) => m.kind === 'valid')
      .slice(0, 5)
      .map((m) => m.line);
    const lines = hostileLines(300, damaged, 3);
    const r = await runCli(['verify', '--trust', trust.list, '--at', AT, '-'], { input: lines.map((l) => Buffer.concat([l, Buffer.from('\n')])) });
    expect(r.code).toBe(1);
    const out = r.stdout.split('\n');
    expect(out.pop()).toBe('');
    expect(out).toHaveLength(300);
    out.forEach((text, i) => {
      expect({
        i,
        start: text.startsWith(`${i + 1}  ✘ ${format('en', 'verdict.invalid')}  `),
        controls: /[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/.test(text),
      }).toEqual({ i, start: true, controls: false });
    });
  });

  it('answers 1,500 hostile lines with a clean error each, in bounded memory', async () => {
    const damaged = mixed
      .filter((m) => m.kind === 'valid')
      .slice(0, 20)
      .map((m) => m.line);
    const lines = hostileLines(1500, damaged);
    const results: Array<Record<string, unknown>> = [];
    const r = await streamCli(
      ['verify', '--json', '--trust', trust.list, '--at', AT, '-'],
      lines.map((l) => Buffer.concat([l, Buffer.from('\n')])),
      (line) => results.push(JSON.parse(line)),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(results).toHaveLength(1500);
    const seen = new Set<string>();
    const originals = new Set(damaged.map((c) => toHex(decodeStages(c).cose!)));
    let unchanged = 0;
    results.forEach((o, i) => {
      const errors = o.errors as Array<{ code: string; message: string }>;
      if (o.valid === true) {
        // A changed character that falls in the padding bits of deflate's last byte, which inflate
        // ignores, leaves the signed bytes as they were: then the line is the original code, and
        // valid. Anything else valid would be a forgery.
        expect({ i, same: originals.has(toHex(decodeStages(lines[i].toString('utf8')).cose ?? new Uint8Array(0))) }).toEqual({ i, same: true });
        unchanged++;
        return;
      }
      expect({ i, keys: Object.keys(o), valid: o.valid, payload: o.payload }).toEqual({ i, keys: JSON_KEYS, valid: false, payload: null });
      expect(errors.length).toBeGreaterThan(0);
      for (const e of errors) {
        expect({ i, known: (ERROR_CODES as readonly string[]).includes(e.code), message: typeof e.message === 'string' && e.message.length > 0 }).toEqual({
          i,
          known: true,
          message: true,
        });
        seen.add(e.code);
      }
    });
    expect(unchanged).toBeLessThan(10);
    // The corpus reaches deep into the pipeline, not only the prefix check.
    for (const code of [
      'PREFIX_UNKNOWN',
      'BASE45_INVALID',
      'ZLIB_INVALID',
      'SIZE_LIMIT',
      'CBOR_INVALID',
      'COSE_INVALID',
      'ALG_UNSUPPORTED',
      'KID_UNKNOWN',
      'CWT_INVALID',
    ]) {
      expect(seen).toContain(code);
    }
    if (r.peakRss === undefined) console.warn('peak memory not measured: /proc/<pid>/status is not available on this system');
    else expect(r.peakRss).toBeLessThan(400 * MB);
  });

  it('streams 100,000 lines, some of them megabytes long, in bounded memory', async () => {
    const valid = mixed.filter((m) => m.kind === 'valid').map((m) => m.line);
    const rnd = prng(7);
    const total = 100_000;
    // One line longer than the memory bound itself: only a reader that drops it as it streams past passes.
    const huge = new Map([
      [10_000, 8],
      [50_000, 512],
      [99_999, 8],
    ]);
    let expectedValid = 0;
    // Generated while being read, so the test itself never holds the whole input.
    const piece = 'HC1:' + 'A'.repeat(MB - 4);
    function* input(): Generator<string> {
      let chunk = '';
      for (let i = 0; i < total; i++) {
        const megabytes = huge.get(i);
        if (megabytes) {
          yield chunk;
          chunk = '';
          // Megabytes without a newline, in pieces, then the end of the line.
          for (let k = 0; k < megabytes; k++) yield piece;
          chunk += '\n';
          continue;
        }
        if (i % 4 === 0) {
          chunk += valid[Math.floor(rnd() * valid.length)] + '\n';
          expectedValid++;
        } else chunk += `HC1:${'9'.repeat(Math.floor(rnd() * 600))}\n`;
        if (chunk.length > 64 * 1024) {
          yield chunk;
          chunk = '';
        }
      }
      yield chunk;
    }
    let valids = 0;
    let sizeLimits = 0;
    const r = await streamCli(['verify', '--json', '--trust', trust.list, '--at', AT, '-'], input(), (line) => {
      const o = JSON.parse(line) as { valid: boolean; errors: Array<{ code: string }> };
      if (o.valid) valids++;
      else if (o.errors[0]?.code === 'SIZE_LIMIT') sizeLimits++;
    });
    expect(r.stderr).toBe('');
    expect(r.lines).toBe(total);
    expect(valids).toBe(expectedValid);
    expect(sizeLimits).toBe(huge.size);
    if (r.peakRss === undefined) console.warn('peak memory not measured: /proc/<pid>/status is not available on this system');
    else expect(r.peakRss).toBeLessThan(400 * MB);
  });
});
