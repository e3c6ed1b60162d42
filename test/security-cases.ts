// SECURITY.md's rows for the outbound and serving tests, one a line as the table shows them: the
// attack class, the case tried and the guarantee; each test records whether its row held.

type Row = readonly [cls: string, kase: string, guarantee: string];

// biome-ignore format: one row a line, as SECURITY.md shows them
export const SECURITY_CASES = {
  // test/outbound.test.ts
  dns: ["SSRF: DNS", "a name resolving to a metadata address; a name with one public and one private address; DNS rebinding", "names are resolved and every address checked before connecting; the connection uses the checked address"],
  redirects: ["SSRF: redirects", "302 to a second loopback port; 301 to 169.254.169.254; 307 to localhost; 302 to file:", "a redirect is followed only to an allowed host, and only to a public address"],
  sync: ["SSRF: sync", "ICE's page links the workbook at a second loopback port, or under a host name not ICE's; the page redirects there", "sync fetches only from the configured ICE host, its file hosts and the mirrors; a refused run keeps nothing"],
  moaFetch: ["SSRF: moa fetch", "MOA links redirecting to a second loopback port and to 169.254.169.254; a link straight to 169.254.169.254", "MOA downloads follow redirects only to hosts the lists link to, and never to internal addresses"],
  slowBody: ["Resource exhaustion: slow body", "1 byte/s with a 2 s idle timeout and a 3.5 s deadline", "every request ends by its total deadline, however the server paces the body"],
  slowSync: ["Resource exhaustion: slow body", "`g287 sync` whose page trickles at 1 byte/s (total_timeout: 3s)", "sync and watch never wait past the deadline"],
  webhookSubscribe: ["SSRF: webhooks at subscribe", "internal targets, and loopback outside the test mode", "a webhook cannot be pointed at an internal address"],
  webhookDelivery: ["SSRF: webhooks at delivery", "a subscription whose target became internal after subscribe (loopback outside the test mode)", "a refused delivery is sent nowhere and given up, not retried forever"],
  // test/security.test.ts
  likeApi: ["Injection: LIKE wildcards", "/api/v1/agencies and /api/v1/agreements with q=%, q=_, q=%%, q=%sheriff", "search text is matched literally: a wildcard is not a query"],
  likeCli: ["Injection: LIKE wildcards", "`g287 agency %` and `g287 agency _`; containsPattern on %, _ and \\", "search text is matched literally: a wildcard is not a query"],
  hostHeader: ["Host header injection", "GET /feeds/changes.atom with Host: evil.example (with and without G287_PUBLIC_URL), then a clean request", "links the server writes come from configuration or the listening address, and a cached feed cannot be poisoned"],
  staticCsp: ["XSS: static site", "`g287 site OUT/`: index.html and _headers", "a static copy of the site runs only its own scripts, as `g287 serve` does"],
  sql: ["Injection: SQL", "state=TX' OR 1=1--, agency=x' OR '1'='1, q='; DROP TABLE agency;--, and the same through `g287 agency`", "every filter is validated and every query parameterised: input never becomes SQL"],
  traversal: ["Path traversal: HTTP", "/../../etc/passwd, /%2e%2e/%2e%2e/etc/passwd, /assets/..%2f..%2fpackage.json, /data/..%2f..%2fg287.db", "the server answers only files under the web app's folder and its own data routes"],
  access: ["Access control", "POST /api/v1/subscriptions with no token, a wrong token, a token prefix; CORS on data routes", "only the admin token writes (compared in constant time); cross-origin reads never carry credentials"],
  dataXss: ["XSS: API and feeds", "?q=<script>alert(1)</script> on JSON and CSV routes, and the Atom feed", "data answers are sandboxed (default-src 'none'; sandbox) and never sniffed as HTML"],
} as const satisfies Record<string, Row>;

/** A row whose case opens with a count the test knows (how many targets it tried). */
export const withCount = ([cls, kase, guarantee]: Row, n: number): Row => [cls, `${n} ${kase}`, guarantee];
