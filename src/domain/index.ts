// The domain core in one import, for the web app (`@domain`): value lists, row shapes and their
// columns, dates and CSV. The zod schemas are in schemas.ts, imported where a boundary checks input.
export * from "./agency-type.js";
export * from "./changes-files.js";
export * from "./columns.js";
export * from "./csv.js";
export * from "./date.js";
export * from "./events.js";
export * from "./files.js";
export * from "./message.js";
export * from "./model.js";
export * from "./state.js";
export * from "./statistics.js";
export * from "./status.js";
