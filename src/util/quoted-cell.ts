// The one rule both of our hand-written CSV scanners (context tables, release bundle) read a quoted
// cell by: up to the closing quote, with a doubled quote standing for one.

/** The quoted cell whose opening quote is at `start`, and the index just past its closing quote; null when it never closes. */
export function quotedCell(text: string, start: number): [string, number] | null {
  let s = "";
  let i = start + 1;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q < 0) return null;
    s += text.slice(i, q);
    if (text.charCodeAt(q + 1) !== 34) return [s, q + 1];
    s += '"';
    i = q + 2;
  }
}
