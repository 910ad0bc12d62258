/**
 * Evidence that the tuned copies are drop-in replacements: on a corpus of tricky documents
 * plus seeded random ones (built from WeChat-like pieces, then mutated byte by byte), the tuned
 * `parseXml` returns the same fields or throws the same error message as the adapter's, and
 * the tuned sign/XML builders return the same strings. Used as the tuned contestants' check.
 */
import { buildSignString as adapterSignString, parseXml as strictParseXml } from '@wxpay/v2-xml';
import { buildSignString } from './v2-sign.js';
import { parseXml } from './v2-xml.js';

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = [
  'appid',
  'mch_id',
  'sign',
  'total_fee',
  'attach',
  'xml',
  'root',
  'a_1',
  '_x',
  'constructor',
  'coupon_id_0',
];
const VALUES = [
  'SUCCESS',
  '1',
  '0',
  '-5',
  '',
  ' ',
  ' padded ',
  '订单额外描述',
  'a&amp;b',
  'a&lt;b',
  '&#x41;',
  'x]]>y',
  'line\r\nbreak',
  'line\nbreak',
  '<!DOCTYPE x>',
  '<![CDATA[',
  'tab\there',
  '😀',
  'q"\'',
  '>',
  'a>b',
];
const SPACE = ['', '', '\n', ' ', '\t', '\r\n', '  \n'];

function outcome(fn: () => unknown): string {
  try {
    return `ok ${JSON.stringify(fn())}`;
  } catch (error) {
    return `err ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  }
}

function randomDoc(rnd: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)] as T;
  const root = rnd() < 0.9 ? 'xml' : pick(['root', 'Xml', 'xml a="1"']);
  let doc = rnd() < 0.05 ? '<?xml version="1.0"?>' : '';
  doc += `<${root}>`;
  const n = Math.floor(rnd() * 6);
  for (let i = 0; i < n; i++) {
    doc += pick(SPACE);
    const name = pick(NAMES);
    const value = pick(VALUES);
    const r = rnd();
    if (r < 0.45) doc += `<${name}><![CDATA[${value}]]></${name}>`;
    else if (r < 0.8) doc += `<${name}>${value}</${name}>`;
    else if (r < 0.85) doc += `<${name}/>`;
    else if (r < 0.9) doc += `<${name}><![CDATA[${value}]]><![CDATA[${value}]]></${name}>`;
    else if (r < 0.95) doc += `<${name}><b>${value}</b></${name}>`;
    else doc += `<${name} x="1">${value}</${name}>`;
  }
  doc += `${pick(SPACE)}</${root.split(' ')[0]}>${rnd() < 0.1 ? pick(SPACE) : ''}`;
  // Byte-level mutations.
  const m = rnd() < 0.3 ? Math.floor(rnd() * 3) + 1 : 0;
  for (let k = 0; k < m; k++) {
    const at = Math.floor(rnd() * (doc.length + 1));
    const op = rnd();
    if (op < 0.4) doc = doc.slice(0, at) + doc.slice(at + 1);
    else
      doc = doc.slice(0, at) + pick(['<', '>', '/', '&', ']', '!', 'x', ' ', '"']) + doc.slice(at);
  }
  return doc;
}

const memo = new Map<number, string | undefined>();

/** Runs the equivalence checks (once per size); `undefined` when all agree, else the first difference. */
export function checkTunedEquivalence(randomDocs = 4000): string | undefined {
  if (!memo.has(randomDocs)) memo.set(randomDocs, runEquivalence(randomDocs));
  return memo.get(randomDocs);
}

function runEquivalence(randomDocs: number): string | undefined {
  const rnd = mulberry32(7);
  const corpus = [
    '<xml></xml>',
    '<xml>\n</xml>\n',
    '<xml><a></a></xml>',
    '<xml><a><![CDATA[]]></a></xml>',
    '<xml><a> </a></xml>',
    '<xml><a>1</a><a>2</a></xml>',
    '<xml><a>x</b></xml>',
    '<xml><a>x</a>text</xml>',
    '<xml><__proto__>1</__proto__></xml>',
    ' <xml><a>1</a></xml>',
    '\uFEFF<xml><a>1</a></xml>',
    '<xml><a>1</a></xml>junk',
    '<root><a>1</a></root>',
  ];
  for (let i = 0; i < randomDocs; i++) corpus.push(randomDoc(rnd));
  for (const doc of corpus) {
    for (const root of ['xml', 'root'] as const) {
      const want = outcome(() => strictParseXml(doc, { root }));
      const got = outcome(() => parseXml(doc, { root }));
      if (want !== got) return `parseXml differs on ${JSON.stringify(doc)}: ${got} vs ${want}`;
      const bytes = Buffer.from(doc);
      if (
        outcome(() => parseXml(bytes, { root })) !== outcome(() => strictParseXml(bytes, { root }))
      ) {
        return `parseXml (bytes) differs on ${JSON.stringify(doc)}`;
      }
    }
  }
  const fieldSets: Record<string, string | number | undefined>[] = [
    {
      appid: 'wx',
      mch_id: '1',
      nonce_str: 'n',
      total_fee: 888,
      body: '腾讯充值中心',
      attach: '',
      sign: 'S',
    },
    { b: 'x]]>y', a: '-12', c: '1.5', ä: 'u', z: undefined, Z: 'upper' },
  ];
  for (const f of fieldSets) {
    if (buildSignString(f, 'k') !== adapterSignString(f, 'k')) return 'buildSignString differs';
  }
  return undefined;
}
