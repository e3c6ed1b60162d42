// Writes the files a derive script made into their folder, each one atomically, and says so on
// stderr: the last step every scripts/derive-*.ts shares.
import fs from "node:fs";
import path from "node:path";

export function writeDerived(outDir: string, files: Map<string, string>, shared: string): void {
  fs.mkdirSync(outDir, { recursive: true });
  for (const [name, text] of files) {
    const dest = path.join(outDir, name);
    // A reader never sees half a file: write beside it, then rename over it.
    const tmp = `${dest}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, dest);
  }
  process.stderr.write(`derived ${files.size} files into ${outDir} from ${shared}\n`);
}
