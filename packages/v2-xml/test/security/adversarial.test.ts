import { createCipheriv } from 'node:crypto';
import {
  DecryptionError,
  MalformedMessageError,
  type PaymentNotification,
  ResponseTooLargeError,
  ResponseValidationError,
  SignatureVerificationError,
} from '@wxpay/core';
import {
  type ExpectedErrorClass as ErrorClass,
  flipBit,
  recordUnhandledRejections,
  startLocalServer,
  Tally,
} from '@wxpay/simulator/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildXml,
  createNodeNotificationHandler,
  createWebNotificationHandler,
  encryptReqInfo,
  reqInfoKey,
  type SignType,
  signFields,
  type V2Client,
} from '../../src/index.js';
import {
  APP_ID,
  clientsBySignType,
  closeClients,
  MCH_ID,
  PAID_ORDER,
  PAYMENT_NOTIFICATION,
  REFUND_INFO,
  randomApiKey,
  refundNotificationXml,
  signedXml,
} from './support/fixtures.js';
import { ReplyServer } from './support/reply-server.js';

const API_KEY = randomApiKey();
const OTHER_KEY = randomApiKey();
const CAP = 64 * 1024;
const rejections = recordUnhandledRejections();
const server = new ReplyServer();
let clients: Record<SignType, V2Client>;

beforeAll(async () => {
  await server.start();
  clients = clientsBySignType(API_KEY, server.url, { transport: { maxResponseBytes: CAP } });
});

afterAll(async () => {
  await closeClients(clients);
  await server.stop();
});

/** Every structural or signature failure a changed message may legitimately produce. */
const TAMPERED: readonly ErrorClass[] = [
  SignatureVerificationError,
  MalformedMessageError,
  ResponseValidationError,
];

function query(type: SignType, body: string | Buffer) {
  server.reply = { body };
  return clients[type].queryOrder({ outTradeNo: PAID_ORDER.out_trade_no as string });
}

function notify(type: SignType, body: string | Buffer): Promise<PaymentNotification> {
  return clients[type].parseNotification({ headers: {}, body });
}

function finish(tally: Tally, expectedTried?: number) {
  tally.print();
  expect(tally.misses).toEqual([]);
  expect(tally.acceptedWrongly).toBe(0);
  expect(tally.rejected).toBe(tally.tried);
  if (expectedTried !== undefined) expect(tally.tried).toBe(expectedTried);
}

describe('every single-bit change of a real signed message is refused', () => {
  for (const type of ['MD5', 'HMAC-SHA256'] as const) {
    it(`reply (${type}): one bit flipped at every byte position`, async () => {
      const tally = new Tally(`reply bit-flips ${type}`);
      const body = Buffer.from(signedXml(PAID_ORDER, API_KEY, type));
      // The untouched reply is accepted: every refusal below comes from the change alone.
      await expect(query(type, body)).resolves.toMatchObject({ state: 'SUCCESS' });
      for (let i = 0; i < body.length; i++) {
        await tally.rejects(`byte ${i}`, () => query(type, flipBit(body, i, i % 8)), TAMPERED);
      }
      finish(tally, body.length);
    });

    it(`payment notification (${type}): every bit of every byte`, async () => {
      const tally = new Tally(`notification bit-flips ${type}`);
      const body = Buffer.from(signedXml(PAYMENT_NOTIFICATION, API_KEY, type));
      await expect(notify(type, body)).resolves.toMatchObject({ type: 'payment' });
      for (let i = 0; i < body.length; i++) {
        for (let bit = 0; bit < 8; bit++) {
          await tally.rejects(
            `byte ${i} bit ${bit}`,
            () => notify(type, flipBit(body, i, bit)),
            TAMPERED,
          );
        }
      }
      finish(tally, body.length * 8);
    });
  }

  it('refund notification: every bit of every byte of req_info', async () => {
    const tally = new Tally('refund req_info bit-flips');
    const reqInfo = encryptReqInfo(buildXml(REFUND_INFO, 'root'), reqInfoKey(API_KEY));
    const body = refundNotificationXml(API_KEY, reqInfo);
    await expect(notify('MD5', body)).resolves.toMatchObject({ type: 'refund' });
    const bytes = Buffer.from(reqInfo, 'ascii');
    for (let i = 0; i < bytes.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const changed = flipBit(bytes, i, bit).toString('latin1');
        await tally.rejects(
          `req_info byte ${i} bit ${bit}`,
          () => notify('MD5', refundNotificationXml(API_KEY, changed)),
          [DecryptionError, MalformedMessageError, ResponseValidationError],
        );
      }
    }
    finish(tally, bytes.length * 8);
  });
});

describe('sign and sign-type confusion', () => {
  it('replies and notifications without a valid sign of the merchant sign type are refused', async () => {
    const tally = new Tally('sign-type confusion');
    const unsigned = buildXml(PAID_ORDER);
    const md5 = signedXml(PAID_ORDER, API_KEY, 'MD5');
    const hmac = signedXml(PAID_ORDER, API_KEY, 'HMAC-SHA256');
    // Correctly signed under the type the message claims, which is not the merchant's: the
    // merchant's configured type decides, never the message's own sign_type.
    const claimsMd5 = buildXml({
      ...PAID_ORDER,
      sign_type: 'MD5',
      sign: signFields({ ...PAID_ORDER, sign_type: 'MD5' }, API_KEY, 'MD5'),
    });
    const claimsHmac = signedXml(PAID_ORDER, API_KEY, 'HMAC-SHA256');
    const sign = signFields(PAID_ORDER, API_KEY, 'MD5');
    const variants: Array<[string, SignType, string]> = [
      ['no sign (MD5 merchant)', 'MD5', unsigned],
      ['no sign (HMAC merchant)', 'HMAC-SHA256', unsigned],
      ['empty sign', 'MD5', buildXml({ ...PAID_ORDER, sign: ' ' })],
      ['MD5 sign to an HMAC merchant', 'HMAC-SHA256', md5],
      ['HMAC sign to an MD5 merchant (HMAC checked as MD5)', 'MD5', hmac],
      ['claims sign_type=MD5, HMAC merchant', 'HMAC-SHA256', claimsMd5],
      ['claims sign_type=HMAC-SHA256, MD5 merchant', 'MD5', claimsHmac],
      ['signed with another key', 'MD5', signedXml(PAID_ORDER, OTHER_KEY, 'MD5')],
      ['lower-case sign', 'MD5', buildXml({ ...PAID_ORDER, sign: sign.toLowerCase() })],
      [
        'ligature that upper-cases to hex',
        'MD5',
        buildXml({ ...PAID_ORDER, sign: sign.replace(/FF|$/, 'ﬀ') }),
      ],
      ['sign with spaces', 'MD5', buildXml({ ...PAID_ORDER, sign: ` ${sign} ` })],
      ['sign doubled', 'MD5', buildXml({ ...PAID_ORDER, sign: sign + sign })],
      [
        'field added after signing',
        'MD5',
        buildXml({ ...PAID_ORDER, sign, cash_fee: '1' }).replace(
          '</xml>',
          '<coupon_fee>100</coupon_fee></xml>',
        ),
      ],
      ['field removed after signing', 'MD5', buildXml({ ...PAID_ORDER, attach: undefined, sign })],
      ['empty field made non-empty', 'MD5', buildXml({ ...PAID_ORDER, device_info: 'WEB', sign })],
    ];
    for (const [label, type, body] of variants) {
      await tally.rejects(`reply: ${label}`, () => query(type, body), [
        SignatureVerificationError,
        MalformedMessageError,
      ]);
      const notification = body.replace('<return_msg><![CDATA[OK]]></return_msg>', '');
      await tally.rejects(`notification: ${label}`, () => notify(type, notification), [
        SignatureVerificationError,
        MalformedMessageError,
      ]);
    }
    // Both sign-type mix-ups are SignatureVerificationErrors, not merely some failure.
    await expect(query('HMAC-SHA256', md5)).rejects.toSatisfy((e) =>
      SignatureVerificationError.isInstance(e),
    );
    await expect(query('MD5', hmac)).rejects.toSatisfy((e) =>
      SignatureVerificationError.isInstance(e),
    );
    finish(tally, variants.length * 2);
  });
});

/** Inserts `text` right after the first `<xml>` of a body. */
function afterRoot(body: string, text: string): string {
  return body.replace('<xml>', `<xml>${text}`);
}

describe('hostile XML', () => {
  it('XXE, entities, DOCTYPE, PIs, CDATA tricks, nesting, size and encoding attacks', async () => {
    const tally = new Tally('hostile XML (reply + notification)');
    const reply = signedXml(PAID_ORDER, API_KEY, 'MD5');
    const note = signedXml(PAYMENT_NOTIFICATION, API_KEY, 'MD5');
    const laughs = `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY l0 "lol">${Array.from(
      { length: 9 },
      (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`,
    ).join('')}]><xml><return_code>&l9;</return_code></xml>`;
    const nested = (depth: number) => `<xml>${'<a>'.repeat(depth)}x${'</a>'.repeat(depth)}</xml>`;
    const cdataOpen = note.indexOf('<![CDATA[');
    const inputs: Array<[string, (signed: string) => string]> = [
      [
        'XXE file entity',
        () =>
          '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><return_code>&x;</return_code></xml>',
      ],
      [
        'external parameter entity',
        () =>
          '<!DOCTYPE xml [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]><xml><a>1</a></xml>',
      ],
      ['billion laughs', () => laughs],
      ['DOCTYPE in a signed message', (b) => `<!DOCTYPE xml>${b}`],
      ['lower-case doctype', (b) => `<!doctype xml>${b}`],
      ['ENTITY without DOCTYPE', (b) => afterRoot(b, '<!ENTITY a "b">')],
      ['processing instruction', (b) => afterRoot(b, '<?xml-stylesheet href="x.xsl"?>')],
      ['PI before the root', (b) => `<?evil x?>${b}`],
      ['comment inside the root', (b) => afterRoot(b, '<!-- hi -->')],
      ['spoiled CDATA opener', (b) => `${b.slice(0, cdataOpen)}<![CDATX[${b.slice(cdataOpen + 9)}`],
      ['unclosed CDATA', (b) => b.replace(/\]\]><\/sign>/, '</sign>')],
      ['CDATA outside fields', (b) => afterRoot(b, '<![CDATA[<result_code>FAIL</result_code>]]>')],
      [
        'CDATA smuggling a second sign',
        (b) => b.replace('</attach>', '<sign>00000000000000000000000000000000</sign></attach>'),
      ],
      [
        'repeated sign',
        (b) => b.replace('</xml>', '<sign>0123456789ABCDEF0123456789ABCDEF</sign></xml>'),
      ],
      ['repeated return_code', (b) => afterRoot(b, '<return_code>FAIL</return_code>')],
      [
        'repeated out_trade_no',
        (b) => b.replace('</xml>', '<out_trade_no>OTHER</out_trade_no></xml>'),
      ],
      ['attribute on a field', (b) => b.replace('<sign>', '<sign type="MD5">')],
      ['attribute on the root', (b) => b.replace('<xml>', '<xml id="1">')],
      [
        'namespaced root',
        (b) => b.replace('<xml>', '<w:xml xmlns:w="x">').replace('</xml>', '</w:xml>'),
      ],
      ['nested field', (b) => afterRoot(b, '<detail><a>1</a></detail>')],
      ['text outside fields', (b) => afterRoot(b, 'stray')],
      ['second root', (b) => `${b}<xml></xml>`],
      ['trailing garbage', (b) => `${b}garbage`],
      ['wrong root', (b) => b.replace('<xml>', '<root>').replace('</xml>', '</root>')],
      ['no root', (b) => b.replace('<xml>', '').replace('</xml>', '')],
      ['NUL inside a value', (b) => b.replace('<![CDATA[SUCCESS]]>', '<![CDATA[SUC\u0000CESS]]>')],
      ['control character', (b) => afterRoot(b, '<z>\u0007</z>')],
      ['nested 1,000 deep', () => nested(1_000)],
      ['nested 5,000 deep', () => nested(5_000)],
      ['JSON instead of XML', () => '{"return_code":"SUCCESS"}'],
      ['empty body', () => ''],
      ['whitespace only', () => ' \n\t '],
      ['unclosed root', (b) => b.replace('</xml>', '')],
      ['mismatched closing tag', (b) => b.replace('</sign>', '</sigm>')],
    ];
    const invalidUtf8: Array<[string, (b: Buffer) => Buffer]> = [
      ['lone continuation byte', (b) => splice(b, Buffer.from([0x80]))],
      ['overlong "<"', (b) => splice(b, Buffer.from([0xc0, 0xbc]))],
      ['truncated 3-byte sequence', (b) => splice(b, Buffer.from([0xe4, 0xb8]))],
      ['UTF-16 surrogate as UTF-8', (b) => splice(b, Buffer.from([0xed, 0xa0, 0x80]))],
      ['0xFF byte', (b) => splice(b, Buffer.from([0xff]))],
      ['UTF-16LE body', (b) => Buffer.from(`\uFEFF${b.toString('utf8')}`, 'utf16le')],
    ];
    for (const [label, make] of inputs) {
      await tally.rejects(
        `reply: ${label}`,
        () => query('MD5', make(reply)),
        MalformedMessageError,
      );
      await tally.rejects(
        `notification: ${label}`,
        () => notify('MD5', make(note)),
        MalformedMessageError,
      );
    }
    for (const [label, make] of invalidUtf8) {
      await tally.rejects(
        `reply: ${label}`,
        () => query('MD5', make(Buffer.from(reply))),
        MalformedMessageError,
      );
      await tally.rejects(
        `notification: ${label}`,
        () => notify('MD5', make(Buffer.from(note))),
        MalformedMessageError,
      );
    }
    // Well-formed but empty: refused for what it lacks (no return_code / no sign).
    await tally.rejects(
      'reply: self-closing root',
      () => query('MD5', '<xml/>'),
      ResponseValidationError,
    );
    await tally.rejects(
      'notification: self-closing root',
      () => notify('MD5', '<xml/>'),
      SignatureVerificationError,
    );
    // Over the caps: the transport's (64 KiB here) for replies, 1 MiB for parseNotification.
    const padding = (n: number) => `<attach>${'x'.repeat(n)}</attach>`;
    const oversized: [string, () => Promise<unknown>, ErrorClass][] = [
      [
        'reply: over the transport cap',
        () => query('MD5', afterRoot(reply, padding(CAP))),
        ResponseTooLargeError,
      ],
      [
        'reply: deep nesting over the cap',
        () => query('MD5', nested(100_000)),
        ResponseTooLargeError,
      ],
      [
        'notification: over 1 MiB',
        () => notify('MD5', afterRoot(note, padding(1024 * 1024))),
        MalformedMessageError,
      ],
      [
        'notification: 100,000 deep (under 1 MiB)',
        () => notify('MD5', nested(100_000)),
        MalformedMessageError,
      ],
      [
        'notification: 40,000 repeated fields',
        () => notify('MD5', afterRoot(note, '<f>1</f>'.repeat(40_000))),
        MalformedMessageError,
      ],
    ];
    for (const [label, send, errorClass] of oversized) {
      await tally.rejects(label, send, errorClass);
    }
    finish(tally);
  });

  it('the web handler refuses oversized bodies before reading them and never calls back', async () => {
    let called = 0;
    const handler = createWebNotificationHandler(clients.MD5, () => {
      called++;
    });
    const big = afterRoot(
      signedXml(PAYMENT_NOTIFICATION, API_KEY, 'MD5'),
      `<p>${'x'.repeat(70_000)}</p>`,
    );
    const response = await handler(
      new Request('http://127.0.0.1/notify', { method: 'POST', body: big }),
    );
    expect(response.status).toBe(413);
    expect(await response.text()).toContain('FAIL');
    const forged = await handler(
      new Request('http://127.0.0.1/notify', {
        method: 'POST',
        body: buildXml(PAYMENT_NOTIFICATION),
      }),
    );
    expect(await forged.text()).toContain('FAIL');
    expect(called).toBe(0);
  });
});

describe('prototype-named fields', () => {
  it('are refused or kept as plain data, never reach the prototype', async () => {
    const tally = new Tally('prototype-named fields');
    for (const name of [
      '__proto__',
      'constructor',
      'prototype',
      'toString',
      'hasOwnProperty',
      'valueOf',
    ]) {
      const forged = signedXml(PAID_ORDER, API_KEY, 'MD5').replace(
        '</xml>',
        `<${name}>x</${name}>`,
      );
      await tally.rejects(`forged reply with <${name}>`, () => query('MD5', `${forged}</xml>`), [
        MalformedMessageError,
        SignatureVerificationError,
      ]);
      // Even correctly signed (by the key holder): the parser would rename such a field
      // (`toString` → `__toString`), so the message is refused as malformed, not misread.
      const signed = signedXml({ ...PAYMENT_NOTIFICATION, [name]: 'x' }, API_KEY, 'MD5');
      await tally.rejects(
        `signed notification with <${name}>`,
        () => notify('MD5', signed),
        MalformedMessageError,
      );
      // As CDATA text, the same characters are data.
      const asText = signedXml(
        { ...PAYMENT_NOTIFICATION, attach: `<${name}>x</${name}>` },
        API_KEY,
        'MD5',
      );
      await expect(notify('MD5', asText)).resolves.toMatchObject({
        raw: { attach: `<${name}>x</${name}>` },
      });
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    finish(tally, 12);
  });
});

describe('notification handlers under a failing onError hook', () => {
  it('answer FAIL and never reject when onError itself throws', async () => {
    const tally = new Tally('handlers with a throwing onError');
    const onError = () => {
      throw new Error('the log sink is down');
    };
    const web = createWebNotificationHandler(clients.MD5, () => undefined, {
      onError,
      maxBodyBytes: 4096,
    });
    const node = createNodeNotificationHandler(clients.MD5, () => undefined, {
      onError,
      maxBodyBytes: 4096,
    });
    const endpoint = await startLocalServer((req, res) => {
      node(req, res).catch(() => res.destroy());
    });
    const url = `${endpoint.url}/notify`;
    const failing = () => {
      throw new Error('the shop database is down');
    };
    const webThrowing = createWebNotificationHandler(clients.MD5, failing, { onError });
    const bodies = [
      buildXml(PAYMENT_NOTIFICATION),
      'x'.repeat(5000),
      `<!DOCTYPE x>${signedXml(PAYMENT_NOTIFICATION, API_KEY, 'MD5')}`,
    ];
    try {
      for (const body of bodies) {
        tally.tried += 2;
        const a = await web(new Request(url, { method: 'POST', body }));
        const b = await fetch(url, { method: 'POST', body });
        for (const response of [a, b]) {
          const text = await response.text();
          if (text.includes('FAIL') && response.status !== 500) tally.rejected++;
          else
            tally.misses.push({ label: body.slice(0, 20), outcome: `${response.status} ${text}` });
        }
      }
      tally.tried++;
      const c = await webThrowing(
        new Request(url, { method: 'POST', body: signedXml(PAYMENT_NOTIFICATION, API_KEY, 'MD5') }),
      );
      if ((await c.text()).includes('FAIL')) tally.rejected++;
    } finally {
      await endpoint.stop();
    }
    await rejections.expectNone();
    finish(tally, bodies.length * 2 + 1);
  });
});

/** Inserts `bytes` into the CDATA text of `return_code` ("SUCCESS"), keeping the markup intact. */
function splice(body: Buffer, bytes: Buffer): Buffer {
  const at = body.indexOf('SUCCESS]]>') + 3;
  if (at < 3) throw new Error('no return_code to splice into');
  return Buffer.concat([body.subarray(0, at), bytes, body.subarray(at)]);
}

/** AES-256-ECB without automatic padding, so the test chooses the padding bytes. */
function encryptRaw(plaintext: Buffer, key: Buffer): string {
  const cipher = createCipheriv('aes-256-ecb', key, null).setAutoPadding(false);
  return Buffer.concat([cipher.update(plaintext), cipher.final()]).toString('base64');
}

describe('refund notifications with a tampered req_info', () => {
  it('bad padding, wrong key, truncation, bad encoding and hostile plaintexts are refused', async () => {
    const tally = new Tally('refund req_info tampering');
    const key = reqInfoKey(API_KEY);
    const inner = buildXml(REFUND_INFO, 'root');
    const good = encryptReqInfo(inner, key);
    const data = Buffer.from(good, 'base64');
    const raw = Buffer.from(inner);
    const block = (pad: number[]) => {
      const body = Buffer.concat([
        raw,
        Buffer.alloc((16 - ((raw.length + pad.length) % 16)) % 16, 0x20),
      ]);
      return encryptRaw(Buffer.concat([body, Buffer.from(pad)]), key);
    };
    const decryptionCases: Array<[string, string]> = [
      ['wrong key', encryptReqInfo(inner, reqInfoKey(OTHER_KEY))],
      [
        'raw API key instead of md5 key',
        encryptRaw(
          Buffer.concat([raw, Buffer.alloc(16 - (raw.length % 16), 16 - (raw.length % 16))]),
          Buffer.from(API_KEY),
        ),
      ],
      ['padding byte 0', block([0])],
      ['padding byte 17', block([0x11])],
      ['inconsistent padding', block([3, 2, 3])],
      ['last block dropped', data.subarray(0, data.length - 16).toString('base64')],
      ['one byte short', data.subarray(0, data.length - 1).toString('base64')],
      ['half the ciphertext', data.subarray(0, 7).toString('base64')],
      ['last base64 char dropped', good.slice(0, -1)],
      ['not base64', `${good.slice(0, 10)}!${good.slice(11)}`],
      ['empty after whitespace', '   '],
      [
        'blocks swapped',
        Buffer.concat([data.subarray(16, 32), data.subarray(0, 16), data.subarray(32)]).toString(
          'base64',
        ),
      ],
      ['first block repeated', Buffer.concat([data.subarray(0, 16), data]).toString('base64')],
      ['non-canonical base64 (extra padding)', `${good}==`],
    ];
    for (const [label, reqInfo] of decryptionCases) {
      await tally.rejects(label, () => notify('MD5', refundNotificationXml(API_KEY, reqInfo)), [
        DecryptionError,
        MalformedMessageError,
      ]);
    }
    const hostile: Array<[string, string, ErrorClass]> = [
      ['plaintext not XML', 'hello world', MalformedMessageError],
      [
        'plaintext with DOCTYPE (XXE)',
        `<!DOCTYPE root [<!ENTITY x SYSTEM "file:///etc/passwd">]>${inner}`,
        MalformedMessageError,
      ],
      ['plaintext root <xml>', buildXml(REFUND_INFO), MalformedMessageError],
      [
        'plaintext missing refund_id',
        buildXml({ ...REFUND_INFO, refund_id: undefined }, 'root'),
        ResponseValidationError,
      ],
      [
        'plaintext with bad amount',
        buildXml({ ...REFUND_INFO, refund_fee: '-1' }, 'root'),
        ResponseValidationError,
      ],
      [
        'plaintext with repeated field',
        inner.replace('</root>', '<refund_fee>1</refund_fee></root>'),
        MalformedMessageError,
      ],
    ];
    for (const [label, plaintext, expected] of hostile) {
      await tally.rejects(
        label,
        () => notify('MD5', refundNotificationXml(API_KEY, encryptReqInfo(plaintext, key))),
        expected,
      );
    }
    await tally.rejects(
      'outer return_code FAIL',
      () => notify('MD5', refundNotificationXml(API_KEY).replace('SUCCESS', 'FAIL')),
      MalformedMessageError,
    );
    await tally.rejects(
      'outer mch_id of another merchant',
      () => notify('MD5', refundNotificationXml(API_KEY).replace(MCH_ID, '19999999')),
      ResponseValidationError,
    );
    await tally.rejects(
      'outer appid of another app',
      () => notify('MD5', refundNotificationXml(API_KEY).replace(APP_ID, 'wx0000000000000000')),
      ResponseValidationError,
    );
    finish(tally);
  });
});

describe('no unhandled rejections', () => {
  it('none were recorded while the hostile inputs ran', async () => {
    await rejections.expectNone();
  });
});
