/** The image formats of a QR (contract 3.2 `qrFormat`): SVG by default, or PNG of `size` pixels. */
export type QrImageFormat = 'svg' | 'png';

/** The smallest and largest PNG size in pixels, and the default (contract 3.2 `qrFormat.size`). */
export const QR_SIZE = { min: 100, max: 2000, default: 1024 } as const;

/**
 * Draws a QR code of `text` (the payment's URL): an SVG document, or a PNG of `size` × `size` pixels. Error
 * correction M, a quiet zone of 4 modules. An SVG carries `title` (e.g. "Pay NOK 499.00 to Betal Dev Shop with Vipps") as its
 * accessible name (`role="img"`, `aria-label` and `<title>`). Source: contract 3.3 (QR redirectUrl).
 */
export async function qrImage(
  text: string,
  format: QrImageFormat,
  size: number = QR_SIZE.default,
  title?: string,
): Promise<{ contentType: string; body: string | Buffer }> {
  // Loaded on the first QR, not at start: qrcode and pngjs are a fifth of the modules a start loads (issue #15).
  const { default: QRCode } = await import('qrcode');
  const options = { errorCorrectionLevel: 'M' as const, margin: 4 };
  if (format === 'svg') {
    let svg = await QRCode.toString(text, { ...options, type: 'svg' });
    if (title) {
      const escaped = title.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
      svg = svg
        .replace(/^<svg /, `<svg role="img" aria-label="${escaped}" `)
        .replace(/^(<svg[^>]*>)/, `$1<title>${escaped}</title>`);
    }
    return { contentType: 'image/svg+xml', body: svg };
  }
  return {
    contentType: 'image/png',
    body: await QRCode.toBuffer(text, { ...options, type: 'png', width: size }),
  };
}
