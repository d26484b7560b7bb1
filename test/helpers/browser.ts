/** A minimal browser for flow tests: a cookie jar, manual redirects, and form posts. */
export interface Page {
  status: number;
  /** The address bar's URL: where the last request went, or the address the page names for itself (app.js). */
  url: string;
  html: string;
  /** Set when a redirect left for a URL starting with `stopAt` (e.g. the app's redirect_uri). */
  stoppedAt?: string;
}

export class Browser {
  private jar = new Map<string, string>();

  /** onResponse sees every response's status, redirects included (the soak counts them). */
  constructor(private readonly stopAt: string[] = [], private readonly onResponse?: (status: number, url: string) => void) {}

  private cookieHeader(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (!value || /expires=Thu, 01 Jan 1970/i.test(line)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  cookies(): Map<string, string> {
    return this.jar;
  }

  /** Send one request and follow redirects (303/302 become GET) until a page or a stop URL. */
  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string>; body?: string } = {}): Promise<Page> {
    let method = init.method ?? (init.form ? 'POST' : 'GET');
    let body: string | undefined = init.form ? new URLSearchParams(init.form).toString() : init.body;
    let headers: Record<string, string> = { ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...init.headers };
    let current = url;
    for (let hops = 0; hops < 20; hops++) {
      if (this.stopAt.some((s) => current.startsWith(s))) return { status: 0, url: current, html: '', stoppedAt: current };
      const res = await fetch(current, { method, body, headers: { ...headers, cookie: this.cookieHeader() }, redirect: 'manual' });
      this.store(res);
      this.onResponse?.(res.status, current);
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        current = new URL(location, current).href;
        await res.arrayBuffer();
        if (res.status !== 307 && res.status !== 308) { method = 'GET'; body = undefined; headers = {}; }
        continue;
      }
      const html = await res.text();
      // A page answered in place of a redirect or to a form names its own address, which app.js
      // puts in the address bar (history.replaceState): that is the URL a user sees.
      const shown = /<meta name="page-url" content="(\/[^"]*)">/.exec(html)?.[1];
      return { status: res.status, url: shown ? new URL(shown.replace(/&amp;/g, '&'), current).href : current, html };
    }
    throw new Error('too many redirects');
  }

  get(url: string) { return this.request(url); }
  post(url: string, form: Record<string, string>) { return this.request(url, { form }); }
}

/** The interaction uid from a page URL like http://host/interaction/<uid>[/step]. */
export function uidOf(page: Page): string {
  const m = /\/interaction\/([^/?#]+)/.exec(page.url);
  if (!m) throw new Error(`not an interaction page: ${page.url} (${page.status}) ${page.html.slice(0, 200)}`);
  return m[1]!;
}

export function textOf(html: string): string {
  // Inline elements inside a sentence join without a space: "(until <time>2 Dec …</time>)".
  return html.replace(/<\/?time\b[^>]*>/g, '').replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
}
