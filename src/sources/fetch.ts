// HTTP GET for the live sources, through the shared outbound client (src/net/fetch.ts): browser-like
// headers (ICE's firewall turns away plain scripts), the outbound policy, timeouts, a deadline,
// retries and a size limit. What is ICE-specific lives here: the Accept headers it is sent.
export {
  BROWSER_USER_AGENT,
  backoffDelay,
  DEFAULT_HTTP,
  DEFAULT_TOTAL_TIMEOUT_MS,
  FetchError,
  type FetchFailure,
  type FetchOptions,
  type FetchResult,
  fetchUrl,
  type HttpSettings,
  parseRetryAfter,
  sleep,
} from "../net/fetch.js";

export const ACCEPT_HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
export const ACCEPT_WORKBOOK =
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-excel;q=0.9,application/octet-stream;q=0.8,*/*;q=0.5";

/** The hosts ICE serves its page and its files from; `sync` follows links and redirects only there. */
export const ICE_HOSTS = ["www.ice.gov", "ice.gov"] as const;
