/**
 * jsdom (the environment miniprogram-simulate needs) leaves out some globals Node has and the
 * in-process server uses (core/bytes.ts builds a TextEncoder at load time). Imported first by
 * test files that start the server, before anything that loads the server.
 */
import { TextDecoder as NodeTextDecoder, TextEncoder as NodeTextEncoder } from 'node:util';

const g = globalThis as Record<string, unknown>;
if (typeof g.TextEncoder === 'undefined') g.TextEncoder = NodeTextEncoder;
if (typeof g.TextDecoder === 'undefined') g.TextDecoder = NodeTextDecoder;
// The PDF writer (server/pdf) yields with setImmediate, which jsdom does not provide.
if (typeof g.setImmediate === 'undefined') {
  const timers = require('node:timers') as typeof import('node:timers');
  g.setImmediate = timers.setImmediate;
  g.clearImmediate = timers.clearImmediate;
}
