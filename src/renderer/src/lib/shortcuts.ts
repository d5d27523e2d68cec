import { useEffect } from 'react';

export type ShortcutHandler = (e: KeyboardEvent) => boolean | void;

const handlers = new Set<ShortcutHandler>();

/** Pages register key handlers; the first that returns true consumes the key. Typing in inputs is left alone. */
export function onShortcut(h: ShortcutHandler): () => void {
  handlers.add(h);
  return () => handlers.delete(h);
}

export function useShortcuts(): void {
  useEffect(() => {
    const on = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      for (const h of [...handlers].reverse()) if (h(e)) return e.preventDefault();
    };
    window.addEventListener('keydown', on);
    return () => window.removeEventListener('keydown', on);
  }, []);
}

export function useShortcut(h: ShortcutHandler, deps: unknown[]): void {
  useEffect(() => onShortcut(h), deps);
}
