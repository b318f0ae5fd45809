/** Initials on a tinted disc (the tint is derived from the name, so it stays stable). */
export function Avatar({ name, size = 'md' }: { name: string; size?: 'sm' | 'md' | 'lg' }) {
  const words = name.replace(/@.*$/, '').split(/[\s._-]+/).filter(Boolean);
  const initials = ((words[0]?.[0] ?? '?') + (words.length > 1 ? (words[words.length - 1]?.[0] ?? '') : '')).toUpperCase();
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return (
    <span className={`avatar avatar-${size} avatar-tint-${hash % 6}`} aria-hidden="true">
      {initials}
    </span>
  );
}
