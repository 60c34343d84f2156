/**
 * The 2FA enrolment's QR code as an image: `uqr` draws the `otpauth://` URI as SVG, shown through an
 * `<img>` with a `data:` URL — the pages' CSP allows `img-src 'self' data:` (src/http/security-headers.ts),
 * and an image never runs or inserts markup, so nothing from the server becomes part of the page.
 */
import { renderSVG } from 'uqr';

/** A `data:image/svg+xml` URL of the QR code of `text`. */
export function qrDataUrl(text: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(renderSVG(text, { border: 2 }))}`;
}
