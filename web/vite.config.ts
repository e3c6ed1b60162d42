// Builds the web app (web/src) into web/dist. Relative asset URLs (base "./") and hash routes let
// the same build run under `g287 serve` and from any folder of a plain static host.
import { fileURLToPath } from "node:url";
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
// The domain core (src/domain: value lists, row shapes, CSV) is shared with the server, not copied.
const domain = fileURLToPath(new URL("../src/domain", import.meta.url));

export default defineConfig({
  root,
  base: "./",
  plugins: [preact()],
  resolve: { alias: { "@domain": domain } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // The map files (us-atlas) are fetched as assets, never inlined into a script.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 600,
  },
  server: {
    // `vite --config web/vite.config.ts` during development: data comes from a running `g287 serve`.
    proxy: { "/data": "http://localhost:8287" },
  },
});
