import { createHash, createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { randomNonce } from '@wxpay/core';
import { buildSignString, parseXml, SIGN_TYPES, type SignType, signString } from '@wxpay/v2-xml';
import { buildAuthorization, buildRequestMessage, buildVerifyMessage } from '@wxpay/v3-json';
import { CliError } from '../cli-error.js';
import { readSecret } from '../clients.js';
import { resolveSettings, settingOptions } from '../config.js';
import { EXIT, readAll } from '../io.js';
import type { Command } from './command.js';

/** The length of every APIv2 key the merchant console issues. */
const API_KEY_LENGTH = 32;

/** Shows control characters so a newline mismatch is visible. */
function visible(message: string): string {
  return message.replace(/\n/g, '\\n\n');
}

export const signV2Command: Command = {
  name: 'sign v2',
  summary: 'print the exact v2 string to sign and its sign (debug a SIGNERROR)',
  help: `Usage: wxpay sign v2 --api-key-file FILE [--sign-type MD5|HMAC-SHA256] (--field name=value … | --xml-file FILE | --xml < body) [--json]

Builds the canonical string (non-empty fields except sign, ASCII order, &key= appended) and
signs it. With an XML message (--xml-file, or --xml to read stdin) it also checks the message's
own sign. The API key is shown masked; it never leaves the file.
`,
  options: {
    ...settingOptions,
    field: { type: 'string', multiple: true },
    'xml-file': { type: 'string' },
    xml: { type: 'boolean' },
  },
  async run(values, io) {
    const settings = resolveSettings(values, io.env);
    const signType = (settings.signType ?? 'MD5') as SignType;
    if (!SIGN_TYPES.includes(signType))
      throw new CliError('--sign-type must be MD5 or HMAC-SHA256', EXIT.usage);
    const fields: Record<string, string> = {};
    const xmlFile = values['xml-file'] as string | undefined;
    if (xmlFile || values.xml) {
      const body = xmlFile
        ? readFileSync(xmlFile, 'utf8')
        : (await readAll(io.stdin)).toString('utf8');
      Object.assign(fields, parseXml(body));
    }
    for (const pair of (values.field as string[] | undefined) ?? []) {
      const eq = pair.indexOf('=');
      if (eq <= 0)
        throw new CliError(`--field must look like name=value, got "${pair}"`, EXIT.usage);
      fields[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    if (Object.keys(fields).length === 0)
      throw new CliError('give --field name=value, --xml-file or --xml', EXIT.usage);
    const apiKey = readSecret(settings, 'apiKey');
    // WeChat Pay only ever issues 32-character APIv2 keys: any other length is the wrong file
    // (a path, a v3 key with a newline, a truncated copy), and every sign made with it fails.
    const warnings =
      apiKey.length === API_KEY_LENGTH
        ? []
        : [
            `the API key is ${apiKey.length} characters; WeChat Pay APIv2 keys are exactly ${API_KEY_LENGTH}, so WeChat Pay will answer 签名错误 (check the file holds only the key)`,
          ];
    for (const w of warnings) io.stderr.write(`warning: ${w}\n`);
    const full = buildSignString(fields, apiKey);
    const masked = `${full.slice(0, full.length - apiKey.length)}<API key: ${apiKey.length} chars>`;
    const computed = signString(full, apiKey, signType);
    const received = fields.sign;
    const result = {
      signType,
      stringToSign: masked,
      sign: computed,
      ...(received === undefined
        ? {}
        : { receivedSign: received, matches: received.toUpperCase() === computed }),
      ...(warnings.length > 0 ? { warnings } : {}),
    };
    if (values.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      io.stdout.write(`string to sign (${signType}):\n${masked}\n\nsign: ${computed}\n`);
      if (received !== undefined) {
        io.stdout.write(
          `message sign: ${received} → ${result.matches ? 'matches' : 'DOES NOT MATCH'}\n`,
        );
      }
    }
    return received !== undefined && !result.matches ? EXIT.verification : EXIT.ok;
  },
};

export const signV3Command: Command = {
  name: 'sign v3',
  summary: 'print the exact v3 message to sign, its signature and Authorization header',
  help: `Usage: wxpay sign v3 --method GET|POST --url PATH?QUERY [--body TEXT | --body-file FILE]
                    [--timestamp UNIX] [--nonce STR] --private-key-file FILE
                    [--mch-id ID --certificate-serial SERIAL] [--json]
       wxpay sign v3 --response --timestamp UNIX --nonce STR [--body TEXT | --body-file FILE]

Prints the message byte for byte (each \\n shown), its SHA-256, the SHA256withRSA signature and,
with --mch-id and --certificate-serial, the Authorization header. --response prints the message
a response or notification signature covers instead.
`,
  options: {
    ...settingOptions,
    method: { type: 'string' },
    url: { type: 'string' },
    body: { type: 'string' },
    'body-file': { type: 'string' },
    timestamp: { type: 'string' },
    nonce: { type: 'string' },
    response: { type: 'boolean' },
  },
  async run(values, io) {
    const settings = resolveSettings(values, io.env);
    const bodyFile = values['body-file'] as string | undefined;
    const body = bodyFile
      ? readFileSync(bodyFile, 'utf8')
      : ((values.body as string | undefined) ?? '');
    const timestamp =
      (values.timestamp as string | undefined) ?? String(Math.floor(Date.now() / 1000));
    if (!/^\d+$/.test(timestamp))
      throw new CliError('--timestamp must be Unix seconds', EXIT.usage);
    const nonce = (values.nonce as string | undefined) ?? randomNonce();
    let message: string;
    if (values.response) {
      if (!values.timestamp || !values.nonce)
        throw new CliError('--response needs --timestamp and --nonce', EXIT.usage);
      message = buildVerifyMessage(timestamp, nonce, body).toString('utf8');
    } else {
      const method = ((values.method as string | undefined) ?? '').toUpperCase();
      const url = values.url as string | undefined;
      if (!method || !url) throw new CliError('--method and --url are required', EXIT.usage);
      if (!url.startsWith('/'))
        throw new CliError('--url is the path and query as sent, starting with /', EXIT.usage);
      message = buildRequestMessage(method, url, timestamp, nonce, body);
    }
    const result: Record<string, unknown> = {
      message,
      bytes: Buffer.byteLength(message),
      sha256: createHash('sha256').update(message).digest('hex'),
    };
    if (!values.response) {
      const key = createPrivateKey(readSecret(settings, 'privateKey'));
      const signature = sign('sha256', Buffer.from(message), key).toString('base64');
      result.signature = signature;
      if (settings.mchId && settings.certificateSerial) {
        result.authorization = buildAuthorization({
          mchId: settings.mchId,
          serialNo: settings.certificateSerial,
          nonce,
          timestamp,
          signature,
        });
      }
    }
    if (values.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      io.stdout.write(
        `message (${result.bytes} bytes, sha256 ${result.sha256}):\n${visible(message)}\n`,
      );
      if (result.signature) io.stdout.write(`signature: ${result.signature}\n`);
      if (result.authorization) io.stdout.write(`Authorization: ${result.authorization}\n`);
    }
    return EXIT.ok;
  },
};
