// SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), for the resume proof of
// PROTOCOL.md. Browsers give crypto.subtle only to secure contexts (https,
// localhost): a page opened from a LAN address over plain http has none, and
// must still be able to resume its session. app.js prefers crypto.subtle and
// falls back to this. The Go tests check both against signal.ResumeClaim.
'use strict';

window.edgeHash = (function () {
  // The round constants and initial hash values are the first 32 bits of the
  // fractional parts of the cube roots (K) and square roots (H0) of the first
  // primes; computing them avoids a table of 72 hand-copied numbers.
  function primes(n) {
    const out = [];
    for (let c = 2; out.length < n; c++) {
      if (out.every((p) => c % p !== 0)) out.push(c);
    }
    return out;
  }
  const frac32 = (x) => ((x - Math.floor(x)) * 0x100000000) >>> 0;
  const P = primes(64);
  const K = Uint32Array.from(P, (p) => frac32(Math.cbrt(p)));
  const H0 = Uint32Array.from(P.slice(0, 8), (p) => frac32(Math.sqrt(p)));

  const rotr = (x, n) => (x >>> n) | (x << (32 - n));

  // pad returns the message with the 0x80 byte, zeros and the 64-bit length
  // in bits, a multiple of 64 bytes long.
  function pad(bytes) {
    const total = Math.ceil((bytes.length + 9) / 64) * 64;
    const buf = new Uint8Array(total);
    buf.set(bytes);
    buf[bytes.length] = 0x80;
    const dv = new DataView(buf.buffer);
    const bits = bytes.length * 8;
    dv.setUint32(total - 8, Math.floor(bits / 0x100000000));
    dv.setUint32(total - 4, bits >>> 0);
    return dv;
  }

  // block mixes one 64-byte block at off into the state H.
  function block(H, W, dv, off) {
    for (let i = 0; i < 16; i++) W[i] = dv.getUint32(off + 4 * i);
    for (let i = 16; i < 64; i++) {
      const x = W[i - 15];
      const y = W[i - 2];
      const s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
      const s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10);
      W[i] = W[i - 16] + s0 + W[i - 7] + s1;
    }
    let [a, b, c, d, e, f, g, h] = H;
    for (let i = 0; i < 64; i++) {
      const S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      const ch = (e & f) ^ (~e & g);
      const t1 = (h + S1 + ch + K[i] + W[i]) | 0;
      const S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0;
      d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    const v = [a, b, c, d, e, f, g, h];
    for (let i = 0; i < 8; i++) H[i] += v[i]; // Uint32Array wraps mod 2^32.
  }

  // sha256 returns the 32-byte digest of a Uint8Array.
  function sha256(bytes) {
    const dv = pad(bytes);
    const H = Uint32Array.from(H0);
    const W = new Uint32Array(64);
    for (let off = 0; off < dv.byteLength; off += 64) block(H, W, dv, off);
    const out = new Uint8Array(32);
    const ov = new DataView(out.buffer);
    H.forEach((w, i) => ov.setUint32(4 * i, w));
    return out;
  }

  function concat(a, b) {
    const out = new Uint8Array(a.length + b.length);
    out.set(a);
    out.set(b, a.length);
    return out;
  }

  // hmac returns HMAC-SHA256(key, msg), both Uint8Arrays.
  function hmac(key, msg) {
    const k = new Uint8Array(64);
    k.set(key.length > 64 ? sha256(key) : key);
    const ipad = k.map((x) => x ^ 0x36);
    const opad = k.map((x) => x ^ 0x5c);
    return sha256(concat(opad, sha256(concat(ipad, msg))));
  }

  return { sha256, hmac };
})();
