/**
 * When the check from outside runs, and which result the status shows: it follows the public
 * URL, forgets the last check when the URL changes (a check of another URL says nothing about
 * this one) and checks the new one by itself; a call while a check of the same URL runs joins
 * it, and checks of one ScimDesk never overlap.
 */
import type { PublicCheckStatus, PublicUrlCheck } from '../../contract/model';

export class PublicCheckRunner {
  private running: { readonly url: string; readonly promise: Promise<PublicUrlCheck> } | undefined;
  private last: PublicUrlCheck | null = null;
  private url: string | null = null;
  private stopped = false;

  /**
   * @param check runs one check (never throws)
   * @param announce called when a check starts (with null) and when it ends (with its result)
   */
  constructor(
    private readonly check: (url: string) => Promise<PublicUrlCheck>,
    private readonly announce: (finished: PublicUrlCheck | null) => void,
  ) {}

  status(): PublicCheckStatus {
    return { running: this.running !== undefined, last: this.last };
  }

  /**
   * The public URL is now `url` (null: none can be checked yet). A different URL forgets the
   * last check and is checked at once; `again` also checks an unchanged one (settings saved).
   */
  follow(url: string | null, again = false): void {
    if (this.stopped) return;
    const changed = url !== this.url;
    this.url = url;
    if (changed) this.last = null;
    if (url && (changed || again)) void this.run();
  }

  /** Checks the current URL, or joins the check of it that runs; null when there is no URL. */
  run(): Promise<PublicUrlCheck> | null {
    const url = this.url;
    if (!url || this.stopped) return null;
    const running = this.running;
    if (running?.url === url) return running.promise;
    // One at a time: a check of a URL that is no longer current finishes first.
    if (running) return running.promise.then(() => this.run() ?? running.promise);
    const promise = this.check(url).then((result) => {
      this.running = undefined;
      if (result.url === this.url) this.last = result;
      if (!this.stopped) this.announce(result);
      return result;
    });
    this.running = { url, promise };
    this.announce(null);
    return promise;
  }

  /** The server stops: a check still running ends unannounced. */
  stop(): void {
    this.stopped = true;
    this.url = null;
  }
}
