/**
 * Helpers for mini program component tests: load a page through miniprogram-simulate (WeChat's own
 * WXML compiler, exparser, WXSS), stub the few `wx` APIs a test needs, and read the rendered tree.
 *
 * Test files using these start with the docblock `/** @jest-environment jsdom *\/` and call
 * `jest.resetModules()` in beforeEach: simulate registers each component path once per module
 * registry, so a second load of the same page in the same registry would render nothing new.
 */
import path from 'node:path';

export const MINIPROGRAM_ROOT = path.resolve(__dirname, '../../miniprogram');

export interface SimulateNode {
  dom: HTMLElement;
  data: Record<string, any>;
  instance: Record<string, any>;
  querySelector(selector: string): SimulateNode | undefined;
  querySelectorAll(selector: string): SimulateNode[];
  dispatchEvent(name: string, options?: Record<string, unknown>): void;
  setData(data: Record<string, unknown>): void;
  attach(parent: Element): void;
  toJSON(): JsonNode;
}

/** A rendered node as j-component serialises it: attributes in camelCase (aria-label → ariaLabel). */
export interface JsonNode {
  tagName: string;
  event: Record<string, { name: string; handler: string }>;
  attrs: { name: string; value: unknown }[];
  children: (JsonNode | string)[];
}

export interface Simulate {
  load(componentPath: string, options?: Record<string, unknown>): string;
  render(id: string, properties?: Record<string, unknown>): SimulateNode;
  sleep(ms?: number): Promise<void>;
}

/**
 * A fresh simulate (and a fresh global `wx` mock) for this test. Call after jest.resetModules().
 * `wx` overrides are merged over simulate's mock.
 */
export function freshSimulate(wxOverrides: Record<string, unknown> = {}): Simulate {
  // simulate merges any existing global wx into its mock: drop the previous test's stubs first.
  delete (globalThis as { wx?: unknown }).wx;
  const simulate = require('miniprogram-simulate') as Simulate;
  Object.assign((globalThis as unknown as { wx: Record<string, unknown> }).wx, wxOverrides);
  return simulate;
}

/** Loads and attaches a page (path relative to the mini program root, without extension). */
export function renderPage(simulate: Simulate, page: string): SimulateNode {
  const id = simulate.load(path.join(MINIPROGRAM_ROOT, page), { rootPath: MINIPROGRAM_ROOT });
  const comp = simulate.render(id);
  comp.attach(document.createElement('parent-wrapper'));
  return comp;
}

/** In-memory stand-in for wx.getStorageSync / wx.setStorageSync. */
export function memoryStorage(initial: Record<string, unknown> = {}) {
  const store = new Map<string, unknown>(Object.entries(initial));
  return {
    store,
    getStorageSync: jest.fn((key: string) => (store.has(key) ? store.get(key) : '')),
    setStorageSync: jest.fn((key: string, value: unknown) => void store.set(key, value)),
  };
}

/** A wx async API stub that answers through its callbacks like WeChat does (asynchronously). */
export function callbackApi(answer: { ok: true } | { ok: false; errMsg: string }) {
  return jest.fn((options: { success?: (r: unknown) => void; fail?: (e: unknown) => void }) => {
    setTimeout(() => {
      if (answer.ok) options.success?.({ errMsg: 'ok' });
      else options.fail?.({ errMsg: answer.errMsg });
    }, 0);
  });
}

export function attr(node: JsonNode, name: string): unknown {
  return node.attrs.find((a) => a.name === name)?.value;
}

/** An attribute as text: '' when the node has none. */
export function attrText(node: JsonNode, name: string): string {
  const v = attr(node, name);
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v);
}

export function textOf(node: JsonNode | string): string {
  return typeof node === 'string' ? node : node.children.map(textOf).join('');
}

/** The text of the `i`-th node matching `sel`, trimmed; throws when there is none. */
export function textAt(page: SimulateNode, sel: string, i = 0): string {
  const node = page.querySelectorAll(sel)[i];
  if (!node) throw new Error(`nothing matches ${sel}`);
  return textOf(node.toJSON()).trim();
}

export function walk(node: JsonNode, visit: (n: JsonNode) => void): void {
  visit(node);
  for (const child of node.children) if (typeof child !== 'string') walk(child, visit);
}

/** Every node a user can tap. */
export function tappables(root: JsonNode): JsonNode[] {
  const found: JsonNode[] = [];
  walk(root, (n) => {
    if (n.event.tap || n.event.longpress) found.push(n);
  });
  return found;
}

/** Visible text of the rendered tree, skipping subtrees matched by `skip`. */
export function visibleTexts(root: JsonNode, skip: (n: JsonNode) => boolean = () => false): string[] {
  const out: string[] = [];
  const inner = (n: JsonNode | string) => {
    if (typeof n === 'string') {
      if (n.trim()) out.push(n.trim());
      return;
    }
    if (skip(n)) return;
    n.children.forEach(inner);
  };
  inner(root);
  return out;
}

export const HAN = /\p{Script=Han}/u;
