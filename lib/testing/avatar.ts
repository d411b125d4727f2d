/**
 * Offline avatars: an SVG with the user's initials, served by the emulator so `pic` works without
 * network access.
 */
import { createHash } from 'node:crypto';
import { escapeXML } from './html';

const COLORS = ['#2563eb', '#7c3aed', '#db2777', '#ea580c', '#16a34a', '#0891b2'];

/** The absolute URL of a user's avatar on the emulator at `origin`. */
export function avatarURL(origin: string, domain: string, userID: string): string {
  return `${origin}/${domain}/avatars/${userID}.svg`;
}

/** A round SVG avatar with up to two initials, its colour derived from the user id. */
export function avatarSVG(name: string, userID: string): string {
  const initials = name
    .split(/\s+/)
    .filter((word) => word !== '')
    .slice(0, 2)
    .map((word) => Array.from(word)[0]?.toUpperCase() ?? '')
    .join('');
  const color = COLORS[(createHash('sha256').update(userID).digest()[0] as number) % COLORS.length];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96" role="img" aria-label="${escapeXML(name)}"><circle cx="48" cy="48" r="48" fill="${color}"/><text x="48" y="48" dy=".35em" text-anchor="middle" font-family="system-ui,sans-serif" font-size="38" fill="#fff">${escapeXML(initials)}</text></svg>`;
}
