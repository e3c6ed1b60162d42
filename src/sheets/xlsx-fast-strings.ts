// The shared strings part, read the way SheetJS splits it, with the plain <si><t> case read in place.
import { parseSi, unescapeXml, unsupported, utf8read } from "./xml-scan.js";

const SST_OPEN = /<(?:\w+:)?sst\b[^<>]*>/g;

/** Shared strings in order, then the empty entry SheetJS's split leaves after the last one. */
export function readSharedStrings(x: string): (string | undefined)[] {
  SST_OPEN.lastIndex = 0;
  if (!SST_OPEN.exec(x) || x.charCodeAt(SST_OPEN.lastIndex - 2) === 47) unsupported("no sst element");
  const out: (string | undefined)[] = [];
  let i = SST_OPEN.lastIndex;
  for (;;) {
    i = skipSpace(x, i);
    // The items are checked to hold no closing sst tag, so this is the one SheetJS's match ends at.
    if (x.startsWith("</sst>", i)) break;
    if (!x.startsWith("<si>", i)) unsupported("unexpected element in sst");
    const cs = i + 4;
    // The common case, <si><t>text</t></si> (or <t xml:space="preserve">), read in place.
    if (x.charCodeAt(cs) === 60 && x.charCodeAt(cs + 1) === 116) {
      let ts = -1;
      if (x.charCodeAt(cs + 2) === 62) ts = cs + 3;
      else if (x.startsWith(' xml:space="preserve">', cs + 2)) ts = cs + 24;
      if (ts > 0) {
        const te = x.indexOf("<", ts);
        if (te > 0 && x.startsWith("</t></si>", te)) {
          out.push(unescapeXml(utf8read(x.slice(ts, te)), true));
          i = te + 9;
          continue;
        }
      }
    }
    const ce = x.indexOf("</si>", cs);
    if (ce < 0) unsupported("unclosed si");
    const piece = x.slice(cs, ce);
    if (/<\/?(?:\w+:)?(?:si|sstItem)>|<\/(?:\w+:)?sst>/.test(piece)) unsupported("nested si or sst");
    out.push(parseSi(piece.trim()));
    i = ce + 5;
  }
  out.push("");
  return out;
}

function skipSpace(x: string, i: number): number {
  let c = x.charCodeAt(i);
  while (c === 32 || c === 10 || c === 13 || c === 9) c = x.charCodeAt(++i);
  return i;
}
