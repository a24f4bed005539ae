import type { EventName, Events } from '../../src-shared/contract';

type Listener = <K extends EventName>(name: K, payload: Events[K]) => void;

/** Main-to-UI pushes; each transport subscribes once and forwards to its clients. */
export class EventBus {
  private listeners = new Set<Listener>();

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  emit<K extends EventName>(name: K, payload: Events[K]): void {
    for (const l of this.listeners) {
      try {
        l(name, payload);
      } catch {
        // One broken subscriber (a closed window, a dropped stream) must not stop the others.
      }
    }
  }
}
