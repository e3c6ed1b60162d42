// The domain's CSV writer against csv-stringify (the library the server's exports used before):
// byte-identical for the cells our tables hold, and formula-safe.
import { stringify } from "csv-stringify/sync";
import { describe, expect, it } from "vitest";
import { safeCell, toCsv } from "./csv.js";

const PIECES = ["a", ",", '"', "\n", "\r", "\t", "=", "+", "-", "@", " ", "é", "x y", "0", ""];

function reference(columns: string[], rows: Record<string, unknown>[]): string {
  return stringify(
    rows.map((r) => columns.map((c) => safeCell(r[c]))),
    { header: true, columns, record_delimiter: "\n" },
  );
}

describe("toCsv", () => {
  it("writes what csv-stringify writes, cell for cell", () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const cell = () => Array.from({ length: rand(5) }, () => PIECES[rand(PIECES.length)]).join("");
    const columns = ["a", "b", "c", "d"];
    for (let i = 0; i < 300; i++) {
      const rows = Array.from({ length: rand(4) }, () => ({
        a: cell(),
        b: rand(3) === 0 ? null : cell(),
        c: rand(2) ? rand(1000) - 500 : { k: cell() },
        d: rand(2) === 0,
      }));
      expect(toCsv(columns, rows)).toBe(reference(columns, rows));
    }
  });

  it("writes the header alone for no rows", () => {
    expect(toCsv(["a", "b"], [])).toBe(reference(["a", "b"], []));
  });

  it("neutralises cells a spreadsheet would run", () => {
    expect(safeCell("=1+1")).toBe("'=1+1");
    expect(safeCell("\tx")).toBe("'\tx");
    expect(safeCell(-2)).toBe("'-2");
    expect(safeCell("Harris County")).toBe("Harris County");
    expect(toCsv(["a"], [{ a: '=HYPERLINK("http://x")' }])).toBe('a\n"\'=HYPERLINK(""http://x"")"\n');
  });
});
