import {
  DecryptionError,
  MalformedMessageError,
  type PaymentNotification,
  ResponseTooLargeError,
  ResponseValidationError,
  SignatureProbeError,
  SignatureVerificationError,
} from '@wxpay/core';
import {
  type ExpectedErrorClass as ErrorClass,
  flipBit,
  recordUnhandledRejections,
  startNotificationEndpoint,
  Tally,
} from '@wxpay/simulator/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebNotificationHandler, type V3Client } from '../../src/index.js';
import { makeTestKeys, signedHeaders } from '../support/test-keys.js';
import { NOW, notificationBody, publicKeyClient, signed, TRANSACTION } from './support/fixtures.js';
import { ReplyServer } from './support/reply-server.js';

const keys = makeTestKeys();
const signer = keys.publicKey;
const rejections = recordUnhandledRejections();
const server = new ReplyServer();
const CAP = 16 * 1024;
let client: V3Client;

beforeAll(async () => {
  await server.start();
  client = publicKeyClient(keys, server.url, { transport: { maxResponseBytes: CAP } });
});

afterAll(async () => {
  await client.close();
  await server.stop();
});

const SIGNED_HEADERS = [
  'wechatpay-timestamp',
  'wechatpay-nonce',
  'wechatpay-signature',
  'wechatpay-serial',
] as const;

/** Queries the order while the server answers `reply` (status 200). */
function queryWith(reply: { headers: Record<string, string>; body: Buffer; chunked?: boolean }) {
  server.reply = { status: 200, ...reply };
  return client.queryOrder({ outTradeNo: TRANSACTION.out_trade_no });
}

function notify(message: { headers: Record<string, string>; body: Buffer | string }) {
  return client.parseNotification(message);
}

function assertClean(tally: Tally, expectedRejected: number) {
  tally.print();
  expect(tally.misses).toEqual([]);
  expect(tally.acceptedWrongly).toBe(0);
  expect(tally.rejected).toBe(expectedRejected);
}

/**
 * Sends `original` again with one bit changed, once per byte of the body and of each signed
 * header; every change must be refused as a bad signature, and nothing else may happen.
 */
async function refuseEveryBitFlip(
  tally: Tally,
  original: { headers: Record<string, string>; body: Buffer },
  send: (message: { headers: Record<string, string>; body: Buffer }) => Promise<unknown>,
) {
  for (let i = 0; i < original.body.length; i++) {
    const body = flipBit(original.body, i, i % 8);
    await tally.rejects(
      `body byte ${i}`,
      () => send({ headers: original.headers, body }),
      SignatureVerificationError,
    );
  }
  let headerBytes = 0;
  for (const name of SIGNED_HEADERS) {
    const value = original.headers[name]!;
    for (let i = 0; i < value.length; i++) {
      // Bit 0 keeps every character of these headers printable ASCII (valid on the wire).
      const changed = flipBit(Buffer.from(value, 'latin1'), i, 0).toString('latin1');
      headerBytes++;
      await tally.rejects(
        `${name} byte ${i}`,
        () => send({ headers: { ...original.headers, [name]: changed }, body: original.body }),
        SignatureVerificationError,
      );
    }
  }
  assertClean(tally, original.body.length + headerBytes);
}

describe('every single-bit change of a real signed message is refused', () => {
  it('reply: each byte of the body and of the four Wechatpay-* headers', async () => {
    const tally = new Tally('reply bit-flips (body + 4 headers)');
    const original = signed(signer, JSON.stringify(TRANSACTION));
    // The untouched reply is accepted, so every refusal below is caused by the change alone.
    await expect(queryWith(original)).resolves.toMatchObject({ state: 'SUCCESS' });
    await refuseEveryBitFlip(tally, original, queryWith);
  });

  it('notification: each byte of the body and of the four Wechatpay-* headers', async () => {
    const tally = new Tally('notification bit-flips (body + 4 headers)');
    const original = signed(signer, notificationBody(keys));
    await expect(notify(original)).resolves.toMatchObject({ type: 'payment' });
    await refuseEveryBitFlip(tally, original, notify);
  });
});

describe('time window, probes and missing headers', () => {
  it('±300 s accepted, ±301 s and beyond refused, on replies and notifications', async () => {
    const tally = new Tally('time window (±300 s)');
    const reply = JSON.stringify(TRANSACTION);
    const note = notificationBody(keys);
    for (const offset of [-300, 300, 0, -299, 299]) {
      await tally.accepts(`reply ${offset}`, () => queryWith(signed(signer, reply, NOW + offset)));
      await tally.accepts(`notification ${offset}`, () =>
        notify(signed(signer, note, NOW + offset)),
      );
    }
    for (const offset of [-301, 301, -302, 302, -3600, 3600, -NOW]) {
      await tally.rejects(
        `reply ${offset}`,
        () => queryWith(signed(signer, reply, NOW + offset)),
        SignatureVerificationError,
      );
      await tally.rejects(
        `notification ${offset}`,
        () => notify(signed(signer, note, NOW + offset)),
        SignatureVerificationError,
      );
    }
    // A millisecond timestamp, a negative one, a decimal, whitespace inside: all refused.
    for (const bad of [`${NOW}000`, `-${NOW}`, `${NOW}.0`, `${NOW} 1`, `0x${NOW.toString(16)}`]) {
      const base = signed(signer, note);
      await tally.rejects(
        `timestamp ${bad}`,
        () => notify({ ...base, headers: { ...base.headers, 'wechatpay-timestamp': bad } }),
        SignatureVerificationError,
      );
    }
    tally.print();
    expect(tally.misses).toEqual([]);
    expect(tally.acceptedValid).toBe(10);
    expect(tally.rejected).toBe(19);
  });

  it('probe signatures → SignatureProbeError; missing or empty headers → SignatureVerificationError', async () => {
    const tally = new Tally('probes and missing headers');
    const reply = Buffer.from(JSON.stringify(TRANSACTION));
    const note = Buffer.from(notificationBody(keys));
    for (const serial of [signer.serial, 'PUB_KEY_ID_0000000000000000000000000000', 'ABCDEF']) {
      const replyHeaders = signedHeaders(signer, reply, { timestamp: NOW, probe: true, serial });
      await tally.rejects(
        `reply probe ${serial}`,
        () => queryWith({ headers: replyHeaders, body: reply }),
        SignatureProbeError,
      );
      const noteHeaders = signedHeaders(signer, note, { timestamp: NOW, probe: true, serial });
      await tally.rejects(
        `notification probe ${serial}`,
        () => notify({ headers: noteHeaders, body: note }),
        SignatureProbeError,
      );
    }
    const good = signedHeaders(signer, note, { timestamp: NOW });
    for (const name of SIGNED_HEADERS) {
      const { [name]: _dropped, ...without } = good;
      await tally.rejects(
        `notification without ${name}`,
        () => notify({ headers: without, body: note }),
        SignatureVerificationError,
      );
      await tally.rejects(
        `reply without ${name}`,
        () => queryWith({ headers: without, body: reply }),
        SignatureVerificationError,
      );
      await tally.rejects(
        `notification with empty ${name}`,
        () => notify({ headers: { ...good, [name]: '  ' }, body: note }),
        SignatureVerificationError,
      );
    }
    // The same signature bytes in a non-canonical base64 spelling: base64 leaves unused bits in
    // the last character and padding is optional to Buffer.from, so these decode to the very
    // signature that verifies. Before verify.ts insisted on the canonical form they were accepted.
    const canonical = good['wechatpay-signature']!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const lastData = canonical.replace(/=+$/, '').length - 1;
    const spellings = [canonical.replace(/=+$/, '')];
    for (const c of alphabet) {
      const variant = canonical.slice(0, lastData) + c + canonical.slice(lastData + 1);
      if (
        variant !== canonical &&
        Buffer.from(variant, 'base64').equals(Buffer.from(canonical, 'base64'))
      ) {
        spellings.push(variant);
      }
    }
    expect(spellings.length).toBeGreaterThan(1);
    for (const spelling of spellings) {
      await tally.rejects(
        `non-canonical signature ${spelling.slice(-4)}`,
        () => notify({ headers: { ...good, 'wechatpay-signature': spelling }, body: note }),
        SignatureVerificationError,
      );
    }
    // Another key's valid signature under our serial; a different signature type.
    const other = signedHeaders(keys.platformA, note, { timestamp: NOW, serial: signer.serial });
    await tally.rejects(
      'signed by another key',
      () => notify({ headers: other, body: note }),
      SignatureVerificationError,
    );
    await tally.rejects(
      'signature type',
      () =>
        notify({
          headers: { ...good, 'wechatpay-signature-type': 'WECHATPAY2-SM2-WITH-SM3' },
          body: note,
        }),
      SignatureVerificationError,
    );
    assertClean(tally, 20 + spellings.length);
  });
});

describe('header/body splicing', () => {
  it('a Wechatpay-Nonce with a line break cannot take over the start of a signed body', async () => {
    // The signed message is `ts\nnonce\nbody\n`. Given a genuinely signed body that contains a
    // line break, moving what precedes it into the nonce leaves the signed bytes unchanged but
    // hands the parser a shorter body. HTTP servers refuse line breaks in headers; callers of
    // parseNotification with headers from elsewhere (queues, serverless events) may not.
    const tally = new Tally('header/body splicing');
    // (Replies come over HTTP, which cannot carry a line break in a header: notifications only.)
    const note = notificationBody(keys);
    for (const prefix of ['{"note":"x"}', '', ' ', '{"id":"EV-other"}']) {
      const genuine = signed(signer, `${prefix}\n${note}`);
      const nonce = `${genuine.headers['wechatpay-nonce']}\n${prefix}`;
      await tally.rejects(
        `prefix ${JSON.stringify(prefix)}`,
        () => notify({ headers: { ...genuine.headers, 'wechatpay-nonce': nonce }, body: note }),
        SignatureVerificationError,
      );
    }
    // Other characters no nonce has: whitespace inside, control characters, non-ASCII.
    const base = signed(signer, note);
    for (const odd of [' ', '\t', '\u0000', 'é']) {
      const nonce = `${base.headers['wechatpay-nonce']!.slice(0, 8)}${odd}${base.headers['wechatpay-nonce']!.slice(8)}`;
      await tally.rejects(
        `nonce with ${JSON.stringify(odd)}`,
        () => notify({ headers: { ...base.headers, 'wechatpay-nonce': nonce }, body: base.body }),
        SignatureVerificationError,
      );
    }
    assertClean(tally, 8);
  });
});

describe('encrypted resources', () => {
  it('wrong algorithm, 11/13-byte GCM nonce, wrong APIv3 key, wrong AAD, bad ciphertext → DecryptionError', async () => {
    const tally = new Tally('notification decryption');
    const cases: [string, string][] = [];
    for (const algorithm of [
      'AEAD_AES_128_GCM',
      'aead_aes_256_gcm',
      '',
      'AEAD_AES_256_GCM ',
      'AES',
    ]) {
      cases.push([`algorithm ${JSON.stringify(algorithm)}`, notificationBody(keys, { algorithm })]);
    }
    // Sealed for real with an 11- or 13-byte nonce (GCM allows it; WeChat Pay's format does not).
    for (const nonce of ['12345678901', '1234567890123', '12345678901é']) {
      cases.push([`nonce ${JSON.stringify(nonce)}`, notificationBody(keys, { nonce })]);
    }
    const noNonce = JSON.parse(notificationBody(keys)) as { resource: Record<string, unknown> };
    noNonce.resource.nonce = '';
    cases.push(['empty nonce', JSON.stringify(noNonce)]);
    cases.push(['wrong APIv3 key', notificationBody(keys, { apiV3Key: 'X'.repeat(32) })]);
    // Sealed under one AAD, announced with another.
    for (const announced of ['refund', '', 'transaction ', 'TRANSACTION']) {
      const envelope = JSON.parse(notificationBody(keys)) as { resource: Record<string, unknown> };
      envelope.resource.associated_data = announced;
      cases.push([`AAD ${JSON.stringify(announced)}`, JSON.stringify(envelope)]);
    }
    for (const [label, mutate] of [
      ['truncated tag', (c: string) => Buffer.from(c, 'base64').subarray(0, -1).toString('base64')],
      ['ciphertext without tag', () => Buffer.alloc(8).toString('base64')],
      ['empty ciphertext', () => ''],
      ['not base64', (c: string) => `${c}!`],
      [
        'tag bit flipped',
        (c: string) =>
          flipBit(Buffer.from(c, 'base64'), Buffer.from(c, 'base64').length - 1, 0).toString(
            'base64',
          ),
      ],
    ] as const) {
      const envelope = JSON.parse(notificationBody(keys)) as { resource: { ciphertext: string } };
      envelope.resource.ciphertext = mutate(envelope.resource.ciphertext);
      cases.push([label, JSON.stringify(envelope)]);
    }
    for (const [label, body] of cases) {
      await tally.rejects(label, () => notify(signed(signer, body)), DecryptionError);
    }
    assertClean(tally, cases.length);
  });
});

/** A transaction JSON text with `extra` spliced in before the closing brace. */
function transactionWith(extra: string): string {
  return `${JSON.stringify(TRANSACTION).slice(0, -1)},${extra}}`;
}

const DUPLICATES = [
  ['trade_state twice (attacker value last)', transactionWith('"trade_state":"NOTPAY"')],
  ['trade_state twice (escaped key)', transactionWith('"trade\\u005fstate":"REFUND"')],
  ['amount twice', transactionWith('"amount":{"total":1}')],
  [
    'amount.total twice',
    `{"out_trade_no":"A","trade_state":"SUCCESS","amount":{"total":1,"total":100000}}`,
  ],
  ['mchid twice', transactionWith('"mchid":"1900000002"')],
  ['nested unknown twice', transactionWith('"x":[{"a":1,"a":2}]')],
] as const;

const HUGE_NUMBERS = [
  '1e400',
  '-1e400',
  '9007199254740993',
  '123456789012345678901234567890',
  '1.5',
  '-0.0000001',
  '1e21',
];

const WRONG_TYPES: readonly [string, unknown][] = [
  ['trade_state number', { ...TRANSACTION, trade_state: 5 }],
  ['trade_state null', { ...TRANSACTION, trade_state: null }],
  ['trade_state array', { ...TRANSACTION, trade_state: ['SUCCESS'] }],
  ['trade_state object', { ...TRANSACTION, trade_state: { v: 'SUCCESS' } }],
  ['trade_state unknown', { ...TRANSACTION, trade_state: 'PAID' }],
  ['out_trade_no number', { ...TRANSACTION, out_trade_no: 42 }],
  ['out_trade_no missing', { ...TRANSACTION, out_trade_no: undefined }],
  ['amount string', { ...TRANSACTION, amount: '100' }],
  ['amount.total string', { ...TRANSACTION, amount: { total: '100' } }],
  ['payer string', { ...TRANSACTION, payer: 'o' }],
  ['promotion_detail object', { ...TRANSACTION, promotion_detail: {} }],
  ['success_time number', { ...TRANSACTION, success_time: 1 }],
  ['success_time not a time', { ...TRANSACTION, success_time: 'yesterday' }],
  ['array', [TRANSACTION]],
  ['null', null],
  ['number', 1],
  ['string', 'SUCCESS'],
  ['boolean', true],
  ['empty object', {}],
];

function nested(depth: number): string {
  return transactionWith(`"x":${'['.repeat(depth)}${']'.repeat(depth)}`);
}

describe('JSON abuse in signed (and encrypted) content', () => {
  it('reply: duplicate keys, huge numbers, wrong types, deep nesting → ResponseValidationError', async () => {
    const tally = new Tally('reply JSON abuse (duplicates, numbers, types, nesting)');
    for (const [label, text] of DUPLICATES) {
      await tally.rejects(label, () => queryWith(signed(signer, text)), ResponseValidationError);
    }
    for (const n of HUGE_NUMBERS) {
      const text = transactionWith(`"amount":${n}`).replace(/"amount":\{[^}]*\},/, '');
      await tally.rejects(
        `amount ${n}`,
        () => queryWith(signed(signer, text)),
        ResponseValidationError,
      );
      const total = JSON.stringify(TRANSACTION).replace('"total":100', `"total":${n}`);
      await tally.rejects(
        `total ${n}`,
        () => queryWith(signed(signer, total)),
        ResponseValidationError,
      );
    }
    for (const [label, value] of WRONG_TYPES) {
      await tally.rejects(
        label,
        () => queryWith(signed(signer, JSON.stringify(value))),
        ResponseValidationError,
      );
    }
    for (const depth of [64, 65, 1000, 5000]) {
      await tally.rejects(
        `nesting ${depth}`,
        () => queryWith(signed(signer, nested(depth))),
        ResponseValidationError,
      );
    }
    for (const text of ['', ' ', '{', '{"a":1,}', 'NaN', "{'a':1}", '{"a":1}{"b":2}']) {
      await tally.rejects(
        `syntax ${JSON.stringify(text)}`,
        () => queryWith(signed(signer, text)),
        ResponseValidationError,
      );
    }
    // Nesting just inside the limit is still accepted (the object plus 63 arrays: 64 levels).
    await tally.accepts('nesting 63', () => queryWith(signed(signer, nested(63))));
    tally.print();
    expect(tally.misses).toEqual([]);
    expect(tally.acceptedWrongly).toBe(0);
    expect(tally.rejected).toBe(tally.tried - 1);
  });

  it('notification: the same abuse in the envelope and inside the decrypted resource', async () => {
    const tally = new Tally('notification JSON abuse (envelope + resource)');
    const expectFor = (label: string): ErrorClass =>
      label.startsWith('dup') || label.startsWith('nesting') || label.startsWith('syntax')
        ? MalformedMessageError
        : ResponseValidationError;
    const resourceCases: [string, string][] = [
      ...DUPLICATES.map(([l, t]): [string, string] => [`dup ${l}`, t]),
      ...HUGE_NUMBERS.map((n): [string, string] => [
        `total ${n}`,
        JSON.stringify(TRANSACTION).replace('"total":100', `"total":${n}`),
      ]),
      ...WRONG_TYPES.map(([l, v]): [string, string] => [l, JSON.stringify(v)]),
      ...[65, 200_000].map((d): [string, string] => [`nesting ${d}`, nested(d)]),
      ...['', '{', 'NaN'].map((t): [string, string] => [`syntax ${JSON.stringify(t)}`, t]),
    ];
    for (const [label, plaintext] of resourceCases) {
      const expected =
        label === 'null' ||
        label === 'number' ||
        label === 'string' ||
        label === 'boolean' ||
        label === 'array'
          ? ResponseValidationError
          : expectFor(label);
      await tally.rejects(
        `resource ${label}`,
        () => notify(signed(signer, notificationBody(keys, { plaintext }))),
        expected,
      );
    }
    const envelope = notificationBody(keys);
    const envelopeCases: [string, string, ErrorClass][] = [
      ['dup id', `${envelope.slice(0, -1)},"id":"EV-attacker"}`, MalformedMessageError],
      [
        'dup event_type',
        `${envelope.slice(0, -1)},"event_type":"REFUND.SUCCESS"}`,
        MalformedMessageError,
      ],
      [
        'dup resource',
        `${envelope.slice(0, -1)},"resource":{"algorithm":"none"}}`,
        MalformedMessageError,
      ],
      [
        'nesting',
        `${envelope.slice(0, -1)},"x":${'['.repeat(5000)}${']'.repeat(5000)}}`,
        MalformedMessageError,
      ],
      [
        'id number',
        envelope.replace('"id":"EV-2018-0001-0001"', '"id":5'),
        ResponseValidationError,
      ],
      [
        'resource string',
        JSON.stringify({ ...JSON.parse(envelope), resource: 'x' }),
        ResponseValidationError,
      ],
      [
        'resource missing',
        JSON.stringify({ ...JSON.parse(envelope), resource: undefined }),
        ResponseValidationError,
      ],
      ['top-level array', `[${envelope}]`, ResponseValidationError],
      ['syntax', `${envelope},`, MalformedMessageError],
    ];
    for (const [label, body, expected] of envelopeCases) {
      await tally.rejects(`envelope ${label}`, () => notify(signed(signer, body)), expected);
    }
    // An unknown event_type is not abuse: it is handed over verified and decrypted.
    await expect(
      notify(signed(signer, envelope.replace('TRANSACTION.SUCCESS', 'MCH.SUCCESS'))),
    ).resolves.toMatchObject({ type: 'other', eventType: 'MCH.SUCCESS' });
    assertClean(tally, resourceCases.length + envelopeCases.length);
  });
});

const INVALID_UTF8 = [
  ['0xff', [0xff]],
  ['overlong /', [0xc0, 0xaf]],
  ['lone surrogate', [0xed, 0xa0, 0x80]],
  ['truncated 3-byte', [0xe4, 0xb8]],
  ['5-byte form', [0xf8, 0x88, 0x80, 0x80, 0x80]],
  ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
] as const;

function withBytes(bytes: readonly number[]): Buffer {
  return Buffer.concat([
    Buffer.from(`${JSON.stringify(TRANSACTION).slice(0, -1)},"note":"`),
    Buffer.from(bytes),
    Buffer.from('"}'),
  ]);
}

describe('size caps and invalid UTF-8', () => {
  it('reply: over the body cap → ResponseTooLargeError; invalid UTF-8 → ResponseValidationError', async () => {
    const tally = new Tally('reply size cap and UTF-8');
    for (const size of [CAP + 1, CAP * 4]) {
      const big = transactionWith(`"pad":"${'a'.repeat(size)}"`);
      await tally.rejects(
        `${size} bytes`,
        () => queryWith(signed(signer, big)),
        ResponseTooLargeError,
      );
      await tally.rejects(
        `${size} bytes chunked`,
        () => queryWith({ ...signed(signer, big), chunked: true }),
        ResponseTooLargeError,
      );
    }
    for (const [label, bytes] of INVALID_UTF8) {
      await tally.rejects(
        label,
        () => queryWith(signed(signer, withBytes(bytes))),
        ResponseValidationError,
      );
    }
    assertClean(tally, 4 + INVALID_UTF8.length);
  });

  it('notification: invalid UTF-8 in the body or the plaintext → MalformedMessageError', async () => {
    const tally = new Tally('notification UTF-8');
    for (const [label, bytes] of INVALID_UTF8) {
      const envelope = Buffer.from(notificationBody(keys));
      const body = Buffer.concat([
        envelope.subarray(0, -1),
        Buffer.from(',"note":"'),
        Buffer.from(bytes),
        Buffer.from('"}'),
      ]);
      await tally.rejects(
        `body ${label}`,
        () => notify(signed(signer, body)),
        MalformedMessageError,
      );
      await tally.rejects(
        `plaintext ${label}`,
        () => notify(signed(signer, notificationBody(keys, { plaintext: withBytes(bytes) }))),
        MalformedMessageError,
      );
    }
    assertClean(tally, INVALID_UTF8.length * 2);
  });

  it('handlers: bodies over maxBodyBytes → 413 and a typed error to onError, nothing delivered', async () => {
    const tally = new Tally('notification handler size cap');
    const errors: unknown[] = [];
    const delivered: PaymentNotification[] = [];
    const options = { maxBodyBytes: 2048, onError: (e: unknown) => errors.push(e) };
    const endpoint = await startNotificationEndpoint(client, (n) => delivered.push(n), options);
    const url = endpoint.url;
    const webHandler = createWebNotificationHandler(client, (n) => delivered.push(n), options);
    try {
      for (const size of [2049, 4096, 32_768]) {
        const big = signed(signer, notificationBody(keys, { id: `EV-${'x'.repeat(size)}` }));
        const response = await fetch(url, { method: 'POST', headers: big.headers, body: big.body });
        await response.arrayBuffer();
        tally.tried++;
        if (response.status === 413 && MalformedMessageError.isInstance(errors.at(-1)))
          tally.rejected++;
        else tally.misses.push({ label: `node ${size}`, outcome: String(response.status) });
        const web = await webHandler(
          new Request(url, { method: 'POST', headers: big.headers, body: big.body }),
        );
        tally.tried++;
        if (web.status === 413 && MalformedMessageError.isInstance(errors.at(-1))) tally.rejected++;
        else tally.misses.push({ label: `web ${size}`, outcome: String(web.status) });
      }
    } finally {
      await endpoint.stop();
    }
    expect(delivered).toEqual([]);
    assertClean(tally, 6);
  });
});

describe('no stray failures', () => {
  it('no unhandled rejection was raised by any of the above', async () => {
    await rejections.expectNone();
  });
});
