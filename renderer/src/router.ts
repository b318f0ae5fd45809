/**
 * The hash router's state: the hash the app shows (committed), how it changes, and navigation
 * blockers. A blocker (a screen holding something that would be lost, e.g. a token shown once)
 * turns every way of leaving into a question first: in-app links, navigate(), Back/Forward and a
 * typed address. The question itself is rendered once, by LeavePrompt.
 */
import type { ReactNode } from 'react';

/** What a blocker asks before the user leaves. */
export interface LeaveQuestion {
  readonly title: string;
  readonly body: ReactNode;
}

/** A navigation waiting for the user's answer. */
export interface PendingLeave {
  readonly to: string;
  readonly question: LeaveQuestion;
}

let committed = window.location.hash;
/** A target the user chose to Leave for: its hashchange is let through. */
let allowed: string | null = null;
let pending: PendingLeave | null = null;
/** Active blockers; the latest one asks. */
const blockers: LeaveQuestion[] = [];
const listeners = new Set<() => void>();

const emit = (): void => listeners.forEach((fn) => fn());
const blocker = (): LeaveQuestion | undefined => blockers[blockers.length - 1];

export function subscribe(onChange: () => void): () => void {
  listeners.add(onChange);
  return () => listeners.delete(onChange);
}

/** The hash the screens show: while a question is open, not the one the user tried to reach. */
export const getHash = (): string => committed;
export const getPendingLeave = (): PendingLeave | null => pending;

/** Asks instead of going to `to`, if a blocker is active; true when it asked. */
function asked(to: string): boolean {
  const question = blocker();
  if (!question || to === committed || to === allowed) return false;
  pending = { to, question };
  emit();
  return true;
}

window.addEventListener('hashchange', () => {
  const next = window.location.hash;
  if (next === committed) return;
  if (asked(next)) {
    // Back/Forward or the address bar: the URL has already moved. Put the page's own URL back
    // (pushState fires no hashchange), so the URL always matches the screen while the user decides.
    window.history.pushState(window.history.state, '', committed || window.location.pathname);
    return;
  }
  allowed = null;
  committed = next;
  emit();
});

// In-app links: asked before the URL moves, so no history entry is made for a Stay. Runs after
// React's handlers (which are on the root, below window), so links those handle are left alone.
window.addEventListener('click', (e) => {
  if (!blocker() || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const link = e.target instanceof Element ? e.target.closest('a[href]') : null;
  const to = link?.getAttribute('href');
  if (!to?.startsWith('#') || link?.getAttribute('target')) return;
  if (asked(to)) e.preventDefault();
});

export function navigate(to: string): void {
  if (window.location.hash !== to && !asked(to)) window.location.hash = to;
}

/** Changes the URL without a new history entry (typing in a search box). */
export function replaceRoute(to: string): void {
  if (window.location.hash !== to && !asked(to)) window.location.replace(to);
}

/** The answer to the open question: Leave goes where the user asked; Stay changes nothing. */
export function answerLeave(leave: boolean): void {
  const to = pending?.to;
  pending = null;
  emit();
  if (leave && to !== undefined) {
    allowed = to;
    window.location.hash = to;
  }
}

/** Registers a blocker; returns its removal. */
export function block(question: LeaveQuestion): () => void {
  blockers.push(question);
  return () => {
    const i = blockers.lastIndexOf(question);
    if (i !== -1) blockers.splice(i, 1);
    if (pending?.question === question) {
      pending = null;
      emit();
    }
  };
}
