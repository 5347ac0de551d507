/// <reference lib="dom" />
/** A page of the console: draws into `root`; may return a cleanup (stop polling, free blob URLs). */
export type View = (root: HTMLElement, params: string[]) => (() => void) | void;

/** What GET /console/1/session answers; fetched once at sign-in. */
export interface Session {
  account: { id: string; name: string };
  key: { id: string; scopes: string[] };
  channels: Record<string, string>;
  sandbox: boolean;
  languages: string[];
  pinTypes: string[];
}

let current: Session | undefined;
export const session = (): Session => {
  if (!current) throw new Error('not signed in');
  return current;
};
export const setSession = (s: Session | undefined): void => { current = s; };

/** Hash routes keep the console one page with working back/forward and bookmarkable views. */
export const go = (hash: string): void => { location.hash = hash; };
