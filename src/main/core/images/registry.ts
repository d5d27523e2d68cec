import type { Core } from '../core';

export type Route = (core: Core, parts: string[], url: URL) => Promise<Response> | Response;

/** Image routes by first path segment after the base ('image', 'thumb', 'label', ...). */
export const routes = new Map<string, Route>();

export function registerImageRoute(name: string, route: Route): void {
  routes.set(name, route);
}
