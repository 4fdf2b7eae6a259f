/**
 * Order Management images (contract 6, `POST /order-management/v1/images`): PNG or JPEG by their magic bytes,
 * at least 167 px high read from the header, at most 2 MB, the imageId rules, no overwrite, MSN scoping, and
 * the platform URL the app loads them from.
 */
import { describe, expect, it } from 'vitest';
import { inspectImage } from '../../src/apis/order-management/service.js';
import { DEV, DEV2, usePlatformApi } from '../support/harness.js';
import { jpegHeader, png } from './images.js';

const api = usePlatformApi({ transport: 'socket' });

let n = 0;
const id = (prefix = 'img') => `${prefix}-${++n}`;
const upload = (imageId: string, bytes: Buffer | string, merchant: typeof DEV | typeof DEV2 = DEV) =>
  api.om(
    'POST',
    '/v1/images',
    {
      imageId,
      src: typeof bytes === 'string' ? bytes : bytes.toString('base64'),
      type: 'base64',
    },
    merchant,
  );

/** The OM error shape of contract 6, with the one field at fault. */
function expectOmError(body: any, status: number, field?: string) {
  expect(Object.keys(body).sort()).toEqual(['detail', 'instance', 'invalidParams', 'title', 'type']);
  expect(body.type).toMatch(/^https:\/\/datatracker\.ietf\.org\/doc\/html\/rfc7231#section-6\.5\./);
  expect(body.instance).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  if (status === 400) expect(body.title).toBe('One or more validation errors occurred.');
  if (field !== undefined) expect(body.invalidParams.map((p: any) => p.name)).toContain(field);
}

describe('inspectImage', () => {
  it('reads PNG and JPEG sizes from their headers and refuses other formats', () => {
    expect(inspectImage(png(300, 200))).toEqual({ mediaType: 'image/png', width: 300, height: 200 });
    expect(inspectImage(jpegHeader(640, 480))).toEqual({ mediaType: 'image/jpeg', width: 640, height: 480 });
    expect(inspectImage(jpegHeader(90, 1000, { sof: 0xc2 }))).toEqual({
      mediaType: 'image/jpeg',
      width: 90,
      height: 1000,
    });
    expect(inspectImage(Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'))).toBeUndefined();
    expect(inspectImage(png(10, 200).subarray(0, 20))).toBeUndefined();
    expect(inspectImage(Buffer.from([0xff, 0xd8, 0xff, 0xd9]))).toBeUndefined();
  });
});

describe('POST /order-management/v1/images', () => {
  it('stores a PNG and serves it to the app at /betal/images/{msn}/{imageId}', async () => {
    const imageId = id('socks-orange');
    const file = png(200, 167);
    const res = await upload(imageId, file);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ imageId });

    const served = await fetch(`${api.url}/betal/images/${DEV.msn}/${imageId}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(file)).toBe(true);
  });

  it('stores a JPEG, and a 128-character id of every allowed character', async () => {
    const imageId = `A-z_0.9${'x'.repeat(121)}`;
    expect(imageId).toHaveLength(128);
    const res = await upload(imageId, jpegHeader(400, 400));
    expect(res.status).toBe(200);
    const served = await fetch(`${api.url}/betal/images/${DEV.msn}/${imageId}`);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
  });

  it('accepts base64 broken into lines, as the base64 tool writes it', async () => {
    const wrapped = png(100, 200)
      .toString('base64')
      .replace(/(.{76})/g, '$1\n');
    expect((await upload(id(), wrapped)).status).toBe(200);
  });

  it('refuses an image lower than 167 px, naming src', async () => {
    for (const file of [png(500, 166), jpegHeader(500, 100)]) {
      const res = await upload(id(), file);
      expect(res.status).toBe(400);
      expectOmError(res.body, 400, 'src');
      expect(res.body.invalidParams[0].reason).toMatch(/167/);
    }
  });

  it('refuses a file over 2 MB', async () => {
    const file = Buffer.concat([png(200, 200), Buffer.alloc(2 * 1024 * 1024)]);
    const res = await upload(id(), file);
    expect(res.status).toBe(400);
    expectOmError(res.body, 400, 'src');
    expect(res.body.invalidParams[0].reason).toMatch(/2 MB/);
  });

  it('answers a body far over the limit with 413 in the OM shape', async () => {
    const res = await upload(id(), 'A'.repeat(5 * 1024 * 1024));
    expect(res.status).toBe(413);
    expectOmError(res.body, 413);
  });

  it('refuses data that is not PNG or JPEG, not base64, or a URL', async () => {
    const cases = [
      Buffer.from('GIF89a' + 'x'.repeat(100), 'latin1').toString('base64'),
      'not base64 at all!',
      'https://example.com/socks.png',
      `data:image/png;base64,${png(200, 200).toString('base64')}`,
    ];
    for (const src of cases) {
      const res = await upload(id(), src);
      expect(res.status, src.slice(0, 30)).toBe(400);
      expectOmError(res.body, 400, 'src');
    }
  });

  it('refuses an imageId that breaks the pattern or is longer than 128 characters', async () => {
    for (const bad of ['has space', 'slash/inside', 'x'.repeat(129), '']) {
      const res = await upload(bad, png(200, 200));
      expect(res.status, bad).toBe(400);
      expectOmError(res.body, 400, 'imageId');
    }
  });

  it('refuses a missing field or another type than base64', async () => {
    const src = png(200, 200).toString('base64');
    const noType = await api.om('POST', '/v1/images', { imageId: id(), src });
    expect(noType.status).toBe(400);
    expectOmError(noType.body, 400, 'type');
    const url = await api.om('POST', '/v1/images', { imageId: id(), src, type: 'url' });
    expect(url.status).toBe(400);
    expectOmError(url.body, 400, 'type');
  });

  it('never overwrites an image: the same id again is 409, even with the same file', async () => {
    const imageId = id('logo');
    const file = png(200, 200);
    expect((await upload(imageId, file)).status).toBe(200);
    const again = await upload(imageId, png(300, 300, [0, 0, 255]));
    expect(again.status).toBe(409);
    expectOmError(again.body, 409, 'imageId');
    expect(again.body.title).toBe('Conflict');
    const same = await upload(imageId, file);
    expect(same.status).toBe(409);
    const served = await fetch(`${api.url}/betal/images/${DEV.msn}/${imageId}`);
    expect(Buffer.from(await served.arrayBuffer()).equals(file)).toBe(true);
  });

  it("keeps images per MSN: another merchant may use the same id and cannot see this one's", async () => {
    const imageId = id('shared-name');
    const mine = png(200, 200);
    expect((await upload(imageId, mine)).status).toBe(200);
    const theirs = png(200, 300, [0, 128, 0]);
    expect((await upload(imageId, theirs, DEV2)).status).toBe(200);
    const a = await fetch(`${api.url}/betal/images/${DEV.msn}/${imageId}`);
    const b = await fetch(`${api.url}/betal/images/${DEV2.msn}/${imageId}`);
    expect(Buffer.from(await a.arrayBuffer()).equals(mine)).toBe(true);
    expect(Buffer.from(await b.arrayBuffer()).equals(theirs)).toBe(true);
    const none = await fetch(`${api.url}/betal/images/${DEV.msn}/never-uploaded`);
    expect(none.status).toBe(404);
  });

  it('needs credentials and the Merchant-Serial-Number header', async () => {
    const body = { imageId: id(), src: png(200, 200).toString('base64'), type: 'base64' };
    const noToken = await api.call('POST', '/order-management/v1/images', {
      body,
      headers: { 'Content-Type': 'application/json', 'Ocp-Apim-Subscription-Key': DEV.subscriptionKey },
    });
    expect(noToken.status).toBe(401);
    const headers = await api.headers(DEV);
    delete headers['Merchant-Serial-Number'];
    const noMsn = await api.call<any>('POST', '/order-management/v1/images', { body, headers });
    expect(noMsn.status).toBe(400);
    expectOmError(noMsn.body, 400, 'Merchant-Serial-Number');
    const wrongMsn = await api.call('POST', '/order-management/v1/images', {
      body,
      headers: { ...(await api.headers(DEV)), 'Merchant-Serial-Number': DEV2.msn },
    });
    expect(wrongMsn.status).toBe(403);
  });

  it('answers invalid JSON with 400 in the OM shape, saying where', async () => {
    const res = await api.call<any>('POST', '/order-management/v1/images', {
      raw: '{"imageId": "x",',
      headers: await api.headers(DEV),
    });
    expect(res.status).toBe(400);
    expectOmError(res.body, 400, '$');
    expect(res.body.detail).toMatch(/line 1/);
  });
});
