// Draws a QR code on a canvas with the qrcode-generator package (served beside this file).
import qrcode from './qrcode.mjs';

const QUIET_MODULES = 4; // the blank border scanners need
const SCALE = 4;

/** Draws `text` as a QR code (error correction M) on `canvas`. */
export function drawQr(canvas, text) {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const count = qr.getModuleCount();
  const size = (count + 2 * QUIET_MODULES) * SCALE;
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, size, size);
  ctx.fillStyle = '#000';
  for (let row = 0; row < count; row += 1) {
    for (let col = 0; col < count; col += 1) {
      if (qr.isDark(row, col)) {
        ctx.fillRect((col + QUIET_MODULES) * SCALE, (row + QUIET_MODULES) * SCALE, SCALE, SCALE);
      }
    }
  }
}
