// COUNTY column: `#N/A`, `#NA`, `N/A` mean unknown; typos (`Lake Conty`, `Custer Countey`,
// `Baldwin Couny`) are fixed to a canonical "X County" form. Full FIPS placement is done by the
// geography layer; here we only clean the text.

const NA = /^(#?n\/?a|#n\?a|none|unknown|-+|0)$/i;
const COUNTY_TYPOS = /\b(conty|countey|couny|cnty|co\.?|county)$/i;

export function cleanCounty(raw: unknown): { county: string | null; corrected: boolean } {
  if (typeof raw !== "string") return { county: null, corrected: false };
  const s = raw.replace(/[\s\u00a0]+/g, " ").trim();
  if (!s || NA.test(s)) return { county: null, corrected: false };
  const m = COUNTY_TYPOS.exec(s);
  if (m && m[1]?.toLowerCase() !== "county") {
    return { county: `${s.slice(0, m.index).trim()} County`, corrected: true };
  }
  if (m) {
    // `Steuben COunty`, `Sebastian county`: only the case is wrong.
    const fixed = `${s.slice(0, m.index).trim()} County`;
    return { county: fixed, corrected: fixed !== s };
  }
  return { county: s, corrected: false };
}
