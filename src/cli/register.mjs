// Loaded with `node --import` by bin/g287: registers the TypeScript loader from this package's own
// node_modules, so the command works from any directory.
import { register } from "tsx/esm/api";

register();
