// Share cards (Open Graph / Twitter images) as PNG, drawn and encoded in plain TypeScript with
// node:zlib: no native image library is installed, and social scrapers ignore SVG images. Text
// uses a 5×7 capital bitmap font, so names are folded to unaccented capitals on the card.
import zlib from "node:zlib";
import { MODELS, type Model } from "../domain/model.js";

// Half the 1200×630 Open Graph size: sharp enough for a pixel font, four times cheaper to encode
// (the site renders one card per state and agency in each language).
export const CARD_W = 600;
export const CARD_H = 315;

/** Palette indexes: background, ink, muted ink, brand, and the three models' colours. */
const PALETTE: [number, number, number][] = [
  [247, 249, 251],
  [26, 32, 44],
  [96, 108, 124],
  [11, 79, 138],
  [31, 119, 180],
  [230, 126, 34],
  [94, 60, 153],
  [255, 255, 255],
];
export const INK = { bg: 0, ink: 1, muted: 2, brand: 3, JEM: 4, TFM: 5, WSO: 6, white: 7 } as const;

// 5×7 glyphs, one string of 7 rows per character ('#' = ink).
const FONT: Record<string, string> = {
  A: ".###.#...##...#######...##...##...#",
  B: "####.#...##...#####.#...##...#####.",
  C: ".###.#...##....#....#....#...#.###.",
  D: "####.#...##...##...##...##...#####.",
  E: "######....#....####.#....#....#####",
  F: "######....#....####.#....#....#....",
  G: ".###.#...##....#.####...##...#.####",
  H: "#...##...##...#######...##...##...#",
  I: ".###...#....#....#....#....#...###.",
  J: "..###...#....#....#....#.#..#..##..",
  K: "#...##..#.#.#..##...#.#..#..#.#...#",
  L: "#....#....#....#....#....#....#####",
  M: "#...###.###.#.##...##...##...##...#",
  N: "#...###..##.#.##..###...##...##...#",
  O: ".###.#...##...##...##...##...#.###.",
  P: "####.#...##...#####.#....#....#....",
  Q: ".###.#...##...##...##.#.##..#..##.#",
  R: "####.#...##...#####.#.#..#..#.#...#",
  S: ".#####....#.....###.....#....#####.",
  T: "#####..#....#....#....#....#....#..",
  U: "#...##...##...##...##...##...#.###.",
  V: "#...##...##...##...##...#.#.#...#..",
  W: "#...##...##...##.#.##.#.##.#.#.#.#.",
  X: "#...##...#.#.#...#...#.#.#...##...#",
  Y: "#...##...#.#.#...#....#....#....#..",
  Z: "#####....#...#...#...#...#....#####",
  "0": ".###.#...##..###.#.###..##...#.###.",
  "1": "..#...##....#....#....#....#...###.",
  "2": ".###.#...#....#...#...#...#...#####",
  "3": "#####...#...#.....#.....##...#.###.",
  "4": "...#...##..#.#.#..#.#####...#....#.",
  "5": "######....####.....#....##...#.###.",
  "6": "..##..#...#....####.#...##...#.###.",
  "7": "#####....#...#...#...#....#....#...",
  "8": ".###.#...##...#.###.#...##...#.###.",
  "9": ".###.#...##...#.####....#...#..##..",
  " ": "...................................",
  ".": "..............................##...",
  ",": "....................##...#...#....",
  ":": "......##...##........##...##.......",
  "'": "..#....#...#.......................",
  "-": "...............###.................",
  "(": "...#...#...#....#....#.....#.....#.",
  ")": ".#.....#.....#....#....#...#...#...",
  "/": ".........#...#...#...#...#.........",
  "&": ".##..#..#.#.#...#...#.#.##..#..##.#",
  "+": ".......#....#..#####..#....#.......",
  "%": "##...##..#...#...#...#...#..##...##",
  "·": "................#..................",
  "?": ".###.#...#....#...#...#.........#..",
  "#": ".#.#..#.#.#####.#.#.#####.#.#..#.#.",
};
// A few glyphs above were typed as 35-cell strings with a stray cell; normalise every one.
for (const [k, v] of Object.entries(FONT)) FONT[k] = v.padEnd(35, ".").slice(0, 35);

/** Text as the card can draw it: unaccented capitals, unknown characters as spaces. */
export function cardText(s: string): string {
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[’‘]/g, "'")
    .replace(/[–—]/g, "-")
    .replace(/→/g, "-")
    .toUpperCase()
    .split("")
    .map((c) => (c in FONT ? c : " "))
    .join("");
}

export class Canvas {
  readonly px: Uint8Array;
  constructor(
    readonly w = CARD_W,
    readonly h = CARD_H,
    bg: number = INK.bg,
  ) {
    this.px = new Uint8Array(w * h).fill(bg);
  }

  rect(x: number, y: number, w: number, h: number, c: number): void {
    const x0 = Math.max(0, Math.round(x));
    const x1 = Math.min(this.w, Math.round(x + w));
    for (let yy = Math.max(0, Math.round(y)); yy < Math.min(this.h, Math.round(y + h)); yy++)
      this.px.fill(c, yy * this.w + x0, yy * this.w + Math.max(x0, x1));
  }

  /** Draws text at a scale (one font cell = scale px); returns its width. */
  text(x: number, y: number, s: string, scale: number, c: number): number {
    let cx = x;
    for (const ch of cardText(s)) {
      const g = FONT[ch] ?? (FONT[" "] as string);
      for (let r = 0; r < 7; r++)
        for (let col = 0; col < 5; col++)
          if (g[r * 5 + col] === "#") this.rect(cx + col * scale, y + r * scale, scale, scale, c);
      cx += 6 * scale;
    }
    return cx - x;
  }

  static textWidth(s: string, scale: number): number {
    return cardText(s).length * 6 * scale;
  }
}

/** Splits text into lines that fit `width` at `scale`, at most `max` lines (the last one cut with …). */
export function wrap(s: string, width: number, scale: number, max: number): string[] {
  const per = Math.max(1, Math.floor(width / (6 * scale)));
  const lines: string[] = [];
  let cur = "";
  for (const word of cardText(s).split(/\s+/).filter(Boolean)) {
    const next = cur ? `${cur} ${word}` : word;
    if (next.length <= per) cur = next;
    else {
      if (cur) lines.push(cur);
      cur = word.slice(0, per);
    }
  }
  if (cur) lines.push(cur);
  if (lines.length > max) {
    const kept = lines.slice(0, max);
    kept[max - 1] = `${(kept[max - 1] as string).slice(0, per - 3)}...`;
    return kept;
  }
  return lines;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of buf) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const body = Buffer.concat([head.subarray(4), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body), 0);
  return Buffer.concat([head.subarray(0, 4), body, crc]);
}

/** An indexed-colour PNG (8 bits per pixel, the palette above). */
export function encodePng(c: Canvas): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(c.w, 0);
  ihdr.writeUInt32BE(c.h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 3; // indexed colour
  const plte = Buffer.from(PALETTE.flat());
  const raw = Buffer.alloc((c.w + 1) * c.h);
  for (let y = 0; y < c.h; y++) {
    raw[y * (c.w + 1)] = 0; // filter: none
    raw.set(c.px.subarray(y * c.w, (y + 1) * c.w), y * (c.w + 1) + 1);
  }
  const idat = zlib.deflateSync(raw, { level: 6 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("PLTE", plte),
    chunk("IDAT", idat),
    chunk("IEND", new Uint8Array(0)),
  ]);
}

export interface CardInput {
  /** Big title (a state or an agency's name). */
  title: string;
  /** Lines under it. */
  lines: string[];
  /** Agreements listed now by model: drawn as a bar. */
  models: Record<Model, number>;
  footer: string;
}

export function renderCard(o: CardInput): Buffer {
  const c = new Canvas();
  const m = 30;
  c.rect(0, 0, CARD_W, 8, INK.brand);
  c.text(m, 26, "G287", 3, INK.brand);
  const titleLines = wrap(o.title, CARD_W - 2 * m, 4, o.lines.length > 1 ? 2 : 3);
  let y = 66;
  for (const l of titleLines) {
    c.text(m, y, l, 4, INK.ink);
    y += 36;
  }
  y += 6;
  for (const l of o.lines.slice(0, 3)) {
    if (y > 206) break;
    for (const part of wrap(l, CARD_W - 2 * m, 3, 1)) c.text(m, y, part, 3, INK.muted);
    y += 28;
  }
  const total = o.models.JEM + o.models.TFM + o.models.WSO;
  if (total > 0) {
    let x = m;
    const w = CARD_W - 2 * m;
    for (const k of MODELS) {
      const part = (o.models[k] / total) * w;
      c.rect(x, 244, part, 16, INK[k]);
      x += part;
    }
  }
  for (const part of wrap(o.footer, CARD_W - 2 * m, 2, 1)) c.text(m, 276, part, 2, INK.muted);
  return encodePng(c);
}
