// data/moa/<sha256>.pdf: the MOA copies `g287 moa` kept, linked from agency pages. Only those
// documents, never other stored blobs: the list files stay private to the store.
import { moaPdf, moaShas } from "../../analysis/moa.js";
import { DATA_CACHE_CONTROL, type DataFile } from "../data-file.js";
import { rendered } from "../respond.js";

export const moaFile: DataFile = {
  path: "moa/{id}",
  id: /[0-9a-f]{64}/,
  ext: "pdf",
  ids: (ctx) => moaShas(ctx.db),
  async bytes(ctx, sha) {
    const bytes = await moaPdf(ctx.db, sha);
    // Downloaded, never rendered in our origin: the PDF came from a link we do not control.
    return bytes
      ? rendered(bytes, "application/pdf", {
          "cache-control": DATA_CACHE_CONTROL,
          "content-disposition": `attachment; filename="${sha}.pdf"`,
        })
      : null;
  },
};
