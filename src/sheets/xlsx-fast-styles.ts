// Number formats as SheetJS reports them: its built-in table, the styles part's numFmts and cellXfs,
// and the lookup from a cell's `s` attribute to its format.
import { forEachTagAt, matchXmlNs, pickAttrs, stripNs, unescapeXml, unsupported, utf8read } from "./xml-scan.js";

// SheetJS's built-in number formats (SSF_init_table): a cell styled with format 14 reports "m/d/yy".
const BUILTIN_FORMATS: Record<number, string> = {
  0: "General",
  1: "0",
  2: "0.00",
  3: "#,##0",
  4: "#,##0.00",
  9: "0%",
  10: "0.00%",
  11: "0.00E+00",
  12: "# ?/?",
  13: "# ??/??",
  14: "m/d/yy",
  15: "d-mmm-yy",
  16: "d-mmm",
  17: "mmm-yy",
  18: "h:mm AM/PM",
  19: "h:mm:ss AM/PM",
  20: "h:mm",
  21: "h:mm:ss",
  22: "m/d/yy h:mm",
  37: "#,##0 ;(#,##0)",
  38: "#,##0 ;[Red](#,##0)",
  39: "#,##0.00;(#,##0.00)",
  40: "#,##0.00;[Red](#,##0.00)",
  45: "mm:ss",
  46: "[h]:mm:ss",
  47: "mmss.0",
  48: "##0.0E+0",
  49: "@",
  56: '"上午/下午 "hh"時"mm"分"ss"秒 "',
};
// Formats SheetJS rewrites when it loads them (Google Sheets writes an invalid "d.m").
const BAD_FORMATS: Record<string, string> = { "d.m": "d\\.m" };

export interface Styles {
  /** cellXfs by index; looked up with the raw `s` string, as SheetJS does. */
  cellXf: { numFmtId: number | string | undefined }[] | undefined;
  formats: Record<string, string>;
}

const NUMFMT_KEYS = ["numFmtId", "formatCode"] as const;
const XF_KEYS = ["numFmtId"] as const;

export function readStyles(xml: string | undefined): Styles {
  const formats: Record<string, string> = { ...BUILTIN_FORMATS };
  if (xml === undefined) return { cellXf: undefined, formats };
  if (xml.indexOf("<!") >= 0) unsupported("comment or doctype in styles");
  let numberFmt: Record<string, string> | undefined;
  const nf = matchXmlNs(xml, "numFmts");
  if (nf) {
    const known: Record<string, string> = { ...formats };
    numberFmt = known;
    const part = nf[0];
    forEachTagAt(part, (lt, gt) => {
      const [head, numFmtId, formatCode] = pickAttrs(part, lt, gt, NUMFMT_KEYS);
      if (stripNs(head as string) !== "<numFmt") return;
      if (formatCode === undefined) unsupported("numFmt without formatCode");
      const f = unescapeXml(utf8read(formatCode));
      let j = Number.parseInt(numFmtId as string, 10);
      known[j] = f;
      if (j > 0) {
        if (j > 0x188) {
          for (j = 0x188; j > 0x3c; --j) if (known[j] === undefined) break;
          known[j] = f;
        }
        formats[j] = BAD_FORMATS[f] || f;
      }
    });
  }
  let cellXf: Styles["cellXf"];
  const cx = matchXmlNs(xml, "cellXfs");
  if (cx) {
    const xfs: NonNullable<Styles["cellXf"]> = [];
    cellXf = xfs;
    const part = cx[0];
    forEachTagAt(part, (lt, gt) => {
      const [head, numFmtId] = pickAttrs(part, lt, gt, XF_KEYS);
      const h = stripNs(head as string);
      if (h !== "<xf" && h !== "<xf/>" && h !== "<xf>") return;
      let id: number | string | undefined = numFmtId;
      if (id) id = Number.parseInt(id, 10);
      // SheetJS moves formats numbered past 392 into its table; an xf pointing at one follows it.
      if (numberFmt && typeof id === "number" && id > 0x188) {
        for (let i = 0x188; i > 0x3c; --i)
          if (numberFmt[id] === numberFmt[i]) {
            id = i;
            break;
          }
      }
      xfs.push({ numFmtId: id });
    });
  }
  return { cellXf, formats };
}

/** The number format SheetJS reports for a cell's `s` attribute, memoised per distinct `s`. */
export function formatLookup(styles: Styles): (s: string | undefined) => string | undefined {
  const { cellXf, formats } = styles;
  const plain = (z: unknown) => (typeof z === "string" && z !== "General" ? z : undefined);
  const none = plain(formats[0]);
  if (!cellXf) return () => none;
  // Indexed by the attribute's text on purpose: SheetJS does `CellXf[s]`, so "01" finds nothing.
  const byText = cellXf as unknown as Record<string, { numFmtId?: unknown } | undefined>;
  const memo = new Map<string, string | undefined>();
  return (s) => {
    if (s === undefined) return none;
    let z = memo.get(s);
    if (z === undefined && !memo.has(s)) {
      const cf = byText[s];
      const id = cf != null && cf.numFmtId != null ? cf.numFmtId : 0;
      z = plain(formats[id as string]);
      memo.set(s, z);
    }
    return z;
  };
}
