import type { ApiEvent } from '../../shared/contract/events';

export type Listener = (e: ApiEvent) => void;

/** In-process fan-out of ApiEvents to whichever transports are attached (IPC, SSE, CLI). */
export class EventBus {
  private listeners = new Set<Listener>();
  on(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  emit(e: ApiEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        /* a broken listener must not break the emitter */
      }
    }
  }
}
