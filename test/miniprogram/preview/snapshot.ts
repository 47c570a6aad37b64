/**
 * Turns a page rendered by miniprogram-simulate into a standalone HTML file for the page previews
 * (scripts/preview.mjs): the page's DOM, the WXSS simulate injected, app.wxss scoped the way
 * simulate scopes page styles, a small base stylesheet standing in for WeChat's built-in components
 * (which have no look outside WeChat), and each QR canvas replaced by a PNG of what the component
 * actually drew on it (the FakeCanvas of mp-env.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import type { FakeCanvas } from '../mp-env';
import { attrText, type JsonNode, type SimulateNode } from '../simulate-page';
import { MINIPROGRAM_ROOT } from '../simulate-page';

const { compile } = require('miniprogram-simulate/src/wxss') as { compile: (wxss: string, o: { prefix: string }) => string };

/** WeChat's built-in components as WeChat shows them, roughly (1rpx = 1px here; the page is 750px wide). */
const BASE_CSS = `
html, body { margin: 0; padding: 0; width: 750px; }
body { -webkit-font-smoothing: antialiased; }
wx-view, main, qr-code { display: block; }
wx-text { display: inline; white-space: pre-wrap; }
wx-image, wx-canvas { display: block; }
wx-input, wx-textarea { display: block; color: inherit; white-space: pre-wrap; overflow-wrap: anywhere; }
wx-input[data-placeholder]:empty::before, wx-textarea[data-placeholder]:empty::before { content: attr(data-placeholder); color: #86909c; }
wx-switch, wx-checkbox, wx-radio { display: inline-block; }
wx-picker { display: block; }
wx-scroll-view { display: block; overflow: hidden; }
`;

function pngDataUrl(canvas: FakeCanvas): string {
  const png = new PNG({ width: canvas.width, height: canvas.height });
  const grey = canvas.grey();
  for (let i = 0; i < grey.length; i++) {
    png.data[i * 4] = png.data[i * 4 + 1] = png.data[i * 4 + 2] = grey[i];
    png.data[i * 4 + 3] = 255;
  }
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}

/** app.wxss for a page: class selectors get the page's prefix (simulate names the page tag 'main'), `page` becomes the body. */
function appCss(): string {
  const wxss = fs.readFileSync(path.join(MINIPROGRAM_ROOT, 'app.wxss'), 'utf8');
  return compile(wxss, { prefix: 'main' })
    .replace(/(^|[},])page\{/g, '$1body{')
    .replace(/(\d+)rpx/g, '$1px');
}

export function snapshotHtml(page: SimulateNode, canvases: FakeCanvas[], title: string): string {
  const root = page.dom.cloneNode(true) as HTMLElement;
  // Canvases: find each drawn canvas's host in the live DOM, then the same position in the clone.
  const live = page.dom;
  for (const canvas of canvases) {
    const host = (canvas.owner as { _exparserNode?: { $$?: Element } } | undefined)?._exparserNode?.$$;
    if (!host || !live.contains(host)) continue;
    const pathTo: number[] = [];
    for (let n: Element | null = host; n && n !== live; n = n.parentElement) pathTo.unshift(Array.prototype.indexOf.call(n.parentElement!.children, n));
    let target: Element = root;
    for (const i of pathTo) target = target.children[i];
    const canvasEl = [...target.querySelectorAll('*')].find((e) => /canvas/i.test(e.tagName));
    if (!canvasEl) continue;
    const img = root.ownerDocument.createElement('img');
    img.setAttribute('src', pngDataUrl(canvas));
    img.setAttribute('alt', '');
    img.setAttribute('style', (canvasEl.getAttribute('style') ?? '') + ';display:block;image-rendering:pixelated;');
    canvasEl.replaceWith(img);
  }
  // Inline styles written in rpx (simulate converts only the style sheets).
  for (const el of [root, ...root.querySelectorAll('[style]')]) {
    const style = el.getAttribute('style');
    if (style) el.setAttribute('style', style.replace(/(\d+(?:\.\d+)?)rpx/g, '$1px'));
  }
  // Inputs show their value or placeholder as text: simulate keeps both out of the DOM, so they come
  // from the rendered tree's JSON, whose inputs are in the same document order.
  const fields: JsonNode[] = [];
  const collect = (n: JsonNode | string) => {
    if (typeof n === 'string') return;
    if (n.tagName === 'wx-input' || n.tagName === 'wx-textarea') fields.push(n);
    n.children.forEach(collect);
  };
  collect(page.toJSON());
  root.querySelectorAll('wx-input, wx-textarea').forEach((el, i) => {
    const f = fields[i];
    if (!f) return;
    const value = attrText(f, 'value');
    const placeholder = attrText(f, 'placeholder');
    if (value) el.textContent = value;
    else if (placeholder) el.setAttribute('data-placeholder', placeholder);
  });
  const styles = [...document.querySelectorAll('style')].map((s) => s.innerHTML).join('\n');
  return `<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>${title}</title><style>${BASE_CSS}</style><style>${appCss()}</style><style>${styles}</style></head><body>${root.outerHTML}</body></html>`;
}
