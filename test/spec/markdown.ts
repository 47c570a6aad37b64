/**
 * Reading the specification's markdown: sections and tables, so that tests check what the documents
 * say rather than a copy of it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const DOCS = join(__dirname, '../../docs');

/** A document of docs/, as text. */
export function readDoc(name: string): string {
  return readFileSync(join(DOCS, name), 'utf8');
}

/** The text from `heading` (a line that starts with it) to the next heading of the same or a higher level. */
export function section(text: string, heading: string): string {
  const lines = text.split('\n');
  // A heading written out in full wins over a longer one it begins ("## Codes" before "## Codes and prefixes").
  const exact = lines.findIndex((l) => l === heading);
  const start = exact >= 0 ? exact : lines.findIndex((l) => l.startsWith(heading));
  if (start < 0) throw new Error(`the document has no heading ${JSON.stringify(heading)}`);
  const level = /^#+/.exec(heading)?.[0].length ?? 0;
  let end = lines.length;
  if (level > 0) {
    for (let i = start + 1; i < lines.length; i++) {
      const m = /^(#+) /.exec(lines[i]);
      if (m && m[1].length <= level) {
        end = i;
        break;
      }
    }
  }
  return lines.slice(start, end).join('\n');
}

/** The rows of the first markdown table after `heading` (each row's cells, trimmed, without the header and rule). */
export function tableAfter(text: string, heading: string): string[][] {
  const at = text.indexOf(heading);
  if (at < 0) throw new Error(`the specification has no ${JSON.stringify(heading)}`);
  const lines = text.slice(at).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  if (first < 0) throw new Error(`no table after ${JSON.stringify(heading)}`);
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim()),
    );
  }
  return rows;
}

/** The first number written in a cell or sentence: digits with thousands commas, an optional minus (− or -). */
export function numberIn(text: string): number {
  const m = /([−-])?(\d{1,3}(?:,\d{3})+|\d+)/.exec(text);
  if (!m) throw new Error(`no number in ${JSON.stringify(text)}`);
  return (m[1] ? -1 : 1) * Number(m[2].replace(/,/g, ''));
}

/** The text between backticks in a cell (the first such span). */
export function codeIn(text: string): string {
  const m = /`([^`]*)`/.exec(text);
  if (!m) throw new Error(`no code span in ${JSON.stringify(text)}`);
  return m[1];
}
