/** A step's log: one line per event, the same lowercase sentences the CLI prints, errors marked for the eye. */
export type LineKind = 'info' | 'warning' | 'error' | 'ok' | 'detail';

export class StepLog {
  constructor(private readonly list: HTMLOListElement) {}

  clear(): void {
    this.list.replaceChildren();
  }

  line(text: string, kind: LineKind = 'info'): HTMLLIElement {
    const li = document.createElement('li');
    li.textContent = kind === 'error' ? `error: ${text}` : kind === 'warning' ? `warning: ${text}` : text;
    li.className = kind;
    this.list.append(li);
    return li;
  }
}

export function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page markup lacks #${id}`);
  return el as T;
}

/** Runs a button's action with the button disabled, so a second click cannot start a second session. */
export function onClick(button: HTMLButtonElement, action: () => Promise<void>): void {
  button.addEventListener('click', () => {
    if (button.disabled) return;
    button.disabled = true;
    void action().finally(() => {
      button.disabled = false;
    });
  });
}
