// Entry point of a parse worker: workers do not inherit the main thread's TypeScript loader, so
// this plain-JS file registers tsx before loading the worker module.
import { register } from "tsx/esm/api";

register();
await import("./parse-worker.ts");
