/**
 * A WeChat environment for page tests: simulate's `wx` mock plus the APIs the pages use, answered
 * the way WeChat answers (asynchronously, through callbacks), with everything recorded.
 *
 * - storage: in memory (seed it to start with a language, care mode or a saved certificate)
 * - request: the in-process server (server-fixture.ts), or any stand-in
 * - createSelectorQuery: finds a FakeCanvas per component, so the QR component really draws,
 *   into pixels a test can decode with jsQR
 */
import fs from 'node:fs';
import path from 'node:path';
import jsQR from 'jsqr';
import { freshSimulate, memoryStorage, renderPage, MINIPROGRAM_ROOT, type Simulate, type SimulateNode } from './simulate-page';

/** Every page route app.json declares (main package and subpackages), as `/pages/x/index`. */
function declaredRoutes(): Set<string> {
  const app = JSON.parse(fs.readFileSync(path.join(MINIPROGRAM_ROOT, 'app.json'), 'utf8')) as {
    pages: string[];
    subpackages?: Array<{ root: string; pages: string[] }>;
  };
  const sub = (app.subpackages ?? []).flatMap((p) => p.pages.map((page) => `${p.root.replace(/\/$/, '')}/${page}`));
  return new Set([...app.pages, ...sub].map((r) => `/${r}`));
}

/**
 * wx.navigateTo / redirectTo / reLaunch / navigateBack over a page stack kept as WeChat keeps it
 * (urls with their queries), answering through callbacks, asynchronously; a route app.json does not
 * declare fails as it does in WeChat. Each is a jest mock, so its calls are recorded too.
 */
function pageStack() {
  const routes = declaredRoutes();
  const stack: string[] = [];
  type NavOptions = { url: string; success?: (r: unknown) => void; fail?: (e: unknown) => void };
  const move = (name: string, apply: (url: string) => void) =>
    jest.fn((o: NavOptions) => {
      setTimeout(() => {
        if (!routes.has(o.url.split('?')[0])) return o.fail?.({ errMsg: `${name}:fail page "${o.url}" is not found` });
        apply(o.url);
        o.success?.({ errMsg: `${name}:ok` });
      }, 0);
    });
  return {
    stack,
    navigateTo: move('navigateTo', (url) => stack.push(url)),
    redirectTo: move('redirectTo', (url) => stack.splice(stack.length - 1, 1, url)),
    reLaunch: move('reLaunch', (url) => stack.splice(0, stack.length, url)),
    navigateBack: jest.fn((o: { delta?: number; success?: (r: unknown) => void } = {}) => {
      setTimeout(() => {
        stack.splice(Math.max(1, stack.length - (o.delta ?? 1)));
        o.success?.({ errMsg: 'navigateBack:ok' });
      }, 0);
    }),
  };
}

/** A `type="2d"` canvas node that rasterises fillRect calls (all the QR drawing uses). */
export class FakeCanvas {
  width = 300;
  height = 300;
  private pixels = new Uint8Array(0);
  private fill = 0;
  fillRects = 0;
  /** The component instance that asked for this canvas (previews find its DOM through it). */
  owner: object | undefined;

  /** What was drawn, as 8-bit grey (0 black, 255 white; 128 where nothing was drawn). */
  grey(): Uint8Array {
    return this.pixels;
  }

  getContext(kind: string) {
    if (kind !== '2d') throw new TypeError('only 2d');
    this.pixels = new Uint8Array(this.width * this.height).fill(128);
    // Assigning canvas-like colours: '#ffffff' white, anything else black.
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the context's accessors need the canvas; their own `this` is the context
    const self = this;
    return {
      set fillStyle(v: string) {
        self.fill = /^#?f{3,6}$/i.test(v) || v === 'white' ? 255 : 0;
      },
      get fillStyle() {
        return self.fill === 255 ? '#ffffff' : '#000000';
      },
      fillRect(x: number, y: number, w: number, h: number) {
        self.fillRects++;
        for (let yy = Math.max(0, y); yy < Math.min(self.height, y + h); yy++) {
          self.pixels.fill(self.fill, yy * self.width + Math.max(0, x), yy * self.width + Math.min(self.width, x + w));
        }
      },
    };
  }

  /** Decodes what was drawn; null when it is not a readable QR code. */
  decode(): string | null {
    const rgba = new Uint8ClampedArray(this.width * this.height * 4);
    for (let i = 0; i < this.pixels.length; i++) {
      rgba[i * 4] = rgba[i * 4 + 1] = rgba[i * 4 + 2] = this.pixels[i];
      rgba[i * 4 + 3] = 255;
    }
    return jsQR(rgba, this.width, this.height)?.data ?? null;
  }
}

/** UTF-8 length of a string (jsdom test files have no Buffer). */
export function utf8Bytes(text: string): number {
  let n = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

/** One setData call of a page, as WeChat would send it from the logic layer to the view. */
export interface Payload {
  /** The page's route (pages/x/index). */
  page: string;
  /** JSON size in UTF-8 bytes (what crosses to the view layer). */
  bytes: number;
  keys: string[];
  /** False while `open` renders the page and lets its loading settle (the first render); true for everything after. */
  afterFirstRender: boolean;
}

export interface Env {
  simulate: Simulate;
  /** Every setData of every page opened so far (their own, not their components'), in order. */
  payloads: Payload[];
  storage: ReturnType<typeof memoryStorage>;
  wx: Record<string, jest.Mock>;
  canvases: FakeCanvas[];
  /** The page stack after the navigation so far: `open` puts the page it renders on top, and the wx navigation calls move it. */
  stack: string[];
  /** Renders a page and calls its onLoad (with `query`), then lets pending work settle. */
  open(page: string, query?: Record<string, string>): Promise<SimulateNode>;
  /** Renders the page on top of the stack with its query (where the last navigation led), as `open` does, without moving the stack. */
  openTop(): Promise<SimulateNode>;
  settle(): Promise<void>;
}

/** CSS pixels the fake canvas reports (a 540rpx canvas on a 375-pt phone). */
export const CANVAS_CSS_PX = 270;

export function createEnv(opts: { stored?: Record<string, unknown>; request?: jest.Mock; wx?: Record<string, jest.Mock> } = {}): Env {
  const storage = memoryStorage(opts.stored ?? {});
  const canvases: FakeCanvas[] = [];
  const byComponent = new WeakMap<object, FakeCanvas>();
  const selectorQuery = jest.fn(() => {
    let target: object | undefined;
    const q = {
      in(component: object) {
        target = component;
        return q;
      },
      select() {
        return q;
      },
      fields() {
        return q;
      },
      exec(cb: (r: unknown[]) => void) {
        setTimeout(() => {
          if (!target) return cb([null]);
          let canvas = byComponent.get(target);
          if (!canvas) {
            canvas = new FakeCanvas();
            canvas.owner = target;
            byComponent.set(target, canvas);
            canvases.push(canvas);
          }
          cb([{ node: canvas, width: CANVAS_CSS_PX, height: CANVAS_CSS_PX }]);
        }, 0);
      },
    };
    return q;
  });
  const pages = pageStack();
  const wx: Record<string, jest.Mock> = {
    getStorageSync: storage.getStorageSync,
    setStorageSync: storage.setStorageSync,
    removeStorageSync: jest.fn((key: string) => void storage.store.delete(key)),
    getStorageInfoSync: jest.fn(() => ({ keys: [...storage.store.keys()], currentSize: 0, limitSize: 10240 })),
    request: opts.request ?? jest.fn(),
    showLoading: jest.fn(),
    hideLoading: jest.fn(),
    showToast: jest.fn(),
    showModal: jest.fn((o: { success?: (r: unknown) => void }) => setTimeout(() => o.success?.({ confirm: true, cancel: false }), 0)),
    setNavigationBarTitle: jest.fn(),
    navigateTo: pages.navigateTo,
    redirectTo: pages.redirectTo,
    navigateBack: pages.navigateBack,
    reLaunch: pages.reLaunch,
    stopPullDownRefresh: jest.fn(),
    createSelectorQuery: selectorQuery,
    getWindowInfo: jest.fn(() => ({ pixelRatio: 2, windowWidth: 375, windowHeight: 812, screenWidth: 375, screenHeight: 812, statusBarHeight: 20 })),
    ...(opts.wx ?? {}),
  };
  const simulate = freshSimulate(wx);
  const payloads: Payload[] = [];
  let rendered = 0;
  /** Records each setData of a page: its caller's setData is an own property (j-component), so wrapping it sees every call the page's methods make. */
  const measure = (route: string, node: SimulateNode) => {
    const state = { settled: false };
    const inner = node.instance.setData as (data: Record<string, unknown>, cb?: () => void) => void;
    node.instance.setData = (data: Record<string, unknown>, cb?: () => void) => {
      payloads.push({ page: route, bytes: utf8Bytes(JSON.stringify(data)), keys: Object.keys(data), afterFirstRender: state.settled });
      return inner.call(node.instance, data, cb);
    };
    return state;
  };
  /**
   * simulate runs a component's code with `require`, which jest caches: a second page, or the same
   * page again, would register its components without their code. Each page after the first gets a
   * fresh module registry, as if WeChat loaded it anew (the app's shared state lives in storage).
   */
  const render = (route: string) => {
    if (rendered++ > 0) jest.resetModules();
    return renderPage(simulate, route);
  };
  const env: Env = {
    simulate,
    payloads,
    storage,
    wx,
    canvases,
    stack: pages.stack,
    async open(page, query = {}) {
      const search = new URLSearchParams(query).toString();
      pages.stack.push(`/${page}${search ? `?${search}` : ''}`);
      const node = render(page);
      const measured = measure(page, node);
      node.instance.onLoad?.(query);
      await env.settle();
      measured.settled = true;
      return node;
    },
    async openTop() {
      const top = pages.stack[pages.stack.length - 1];
      if (!top) throw new Error('the page stack is empty');
      const [route, search = ''] = top.split('?');
      const node = render(route.slice(1));
      const measured = measure(route.slice(1), node);
      node.instance.onLoad?.(Object.fromEntries(new URLSearchParams(search)));
      await env.settle();
      measured.settled = true;
      return node;
    },
    async settle() {
      // Calls chain a few callbacks (request → envelope → setData → canvas query): let them all run,
      // and, when the request is the in-process server's, wait for the calls it is still answering
      // (and for those their answers start), up to a bound.
      const idle = (opts.request as { idle?: () => Promise<void> | null } | undefined)?.idle;
      for (let round = 0; round < 50; round++) {
        for (let i = 0; i < 8; i++) await simulate.sleep(0);
        const pending = idle?.();
        if (!pending) return;
        await pending;
      }
    },
  };
  return env;
}

export async function tapOn(env: Env, page: SimulateNode, selector: string, index = 0, detail?: Record<string, unknown>): Promise<void> {
  const node = page.querySelectorAll(selector)[index];
  if (!node) throw new Error(`nothing matches ${selector} [${index}]`);
  node.dispatchEvent('tap', detail ? { detail } : undefined);
  await env.settle();
}
