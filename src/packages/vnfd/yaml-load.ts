import { LineCounter, parseDocument, visit, type Document } from 'yaml';
import { PKG } from '../errors.js';
import { PackageProblem } from '../report.js';

// One VNFD file loaded defensively: size limit before parsing, strict UTF-8 (TOSCA YAML is UTF-8;
// a Latin-1 VNFD would otherwise be silently mis-decoded into wrong ids), unique keys, and
// yaml's alias-expansion budget against "billion laughs" documents.

export interface LoadedYaml {
  file: string;
  value: unknown;
  doc: Document;
  lines: LineCounter;
}

export interface YamlLimits {
  maxYamlBytes: number;
  maxYamlAliasCount: number;
}

// Lead-byte ranges of multi-byte UTF-8 sequences: [first, last, continuation bytes, smallest code point].
const LEADS: [number, number, number, number][] = [
  [0xc2, 0xdf, 1, 0x80],
  [0xe0, 0xef, 2, 0x800],
  [0xf0, 0xf4, 3, 0x10000],
];

/** Offset of the first byte that is not well-formed UTF-8 (RFC 3629: no overlongs, surrogates or > U+10FFFF), or -1. */
export function firstInvalidUtf8(buf: Buffer): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    const lead = LEADS.find(([lo, hi]) => b >= lo && b <= hi);
    if (!lead || i + lead[2] >= buf.length) return i;
    const [, , n, min] = lead;
    let cp = b & (0xff >> (n + 2));
    for (let k = 1; k <= n; k++) {
      const c = buf[i + k];
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

function lineAt(buf: Buffer, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (buf[i] === 0x0a) line++;
  return line;
}

export function decodeUtf8(buf: Buffer, file: string): string {
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
    throw new PackageProblem(PKG.notUtf8, 'the file is UTF-16 encoded; TOSCA YAML must be UTF-8', { file, line: 1 });
  }
  const bad = firstInvalidUtf8(buf);
  if (bad >= 0) {
    const line = lineAt(buf, bad);
    throw new PackageProblem(PKG.notUtf8, `the file is not valid UTF-8 (byte 0x${buf[bad].toString(16)} at offset ${bad}, line ${line})`, { file, line });
  }
  const text = buf.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * `software_version: 1.0` written unquoted is the float 1 in YAML 1.2, which would print as "1".
 * Decimals whose text a number cannot reproduce keep their text, as Tacker's Python parser
 * (str(1.0) == "1.0") effectively does; integers and other floats stay numbers.
 */
function keepDecimalText(doc: Document): void {
  visit(doc, {
    Scalar(_key, node) {
      const src = node.srcToken && 'source' in node.srcToken ? node.srcToken.source : undefined;
      if (typeof node.value === 'number' && src !== undefined && /^[-+]?\d+\.\d*$/.test(src) && String(node.value) !== src) node.value = src;
    },
  });
}

export function loadYaml(file: string, buf: Buffer, limits: YamlLimits): LoadedYaml {
  if (buf.length > limits.maxYamlBytes) {
    throw new PackageProblem(PKG.yamlTooLarge, `the file is ${buf.length} bytes, more than the YAML limit of ${limits.maxYamlBytes}`, { file });
  }
  const text = decodeUtf8(buf, file);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true, version: '1.2', strict: true, keepSourceTokens: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e.linePos?.[0]?.line;
    throw new PackageProblem(PKG.yamlSyntax, `YAML error: ${e.message.split('\n')[0]}`, { file, line });
  }
  keepDecimalText(doc);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: limits.maxYamlAliasCount });
  } catch (e) {
    if (e instanceof ReferenceError && /alias/i.test(e.message)) {
      throw new PackageProblem(PKG.yamlAliases, `YAML alias expansion exceeds the limit of ${limits.maxYamlAliasCount} (${e.message})`, { file, cause: e });
    }
    throw new PackageProblem(PKG.yamlSyntax, `YAML error: ${(e as Error).message}`, { file, cause: e });
  }
  return { file, value, doc, lines };
}

/** 1-based line of the node at yamlPath (or of its nearest existing ancestor). */
export function lineOf(y: LoadedYaml, yamlPath: (string | number)[]): number | undefined {
  for (let n = yamlPath.length; n >= 0; n--) {
    const node = y.doc.getIn(yamlPath.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return y.lines.linePos(node.range[0]).line;
  }
  return undefined;
}
