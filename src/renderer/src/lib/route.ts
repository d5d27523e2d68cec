import { useEffect, useState } from 'react';

/** Sections of the app shell; the hash is `#/<section>/<id?>` so reload and back/forward work. */
export type Section = 'plates' | 'well' | 'metrics' | 'models' | 'jobs' | 'io';

export interface Route {
  section: Section;
  /** the rest of the path, e.g. ['3'] for #/plates/3 */
  args: string[];
  params: URLSearchParams;
}

const SECTIONS: Section[] = ['plates', 'well', 'metrics', 'models', 'jobs', 'io'];

export function parseHash(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const section = (SECTIONS as string[]).includes(parts[0]) ? (parts[0] as Section) : 'plates';
  return { section, args: section === parts[0] ? parts.slice(1) : [], params: new URLSearchParams(query) };
}

export function href(section: Section, ...args: (string | number)[]): string {
  return '#/' + [section, ...args.map((a) => encodeURIComponent(String(a)))].join('/');
}

export function navigate(section: Section, ...args: (string | number)[]): void {
  window.location.hash = href(section, ...args);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
