// The one confirmation for destructive actions: `await confirmation.ask({...})` opens the app's
// dialog (ConfirmDialog, mounted once in the shell) and answers true when the person confirms.
interface ConfirmRequest {
  title: string;
  /** What will break, in a sentence or two. */
  body: string;
  /** Names listed under the body (keys that name a model, tools using a key). */
  items?: string[];
  confirmLabel: string;
}

class Confirmation {
  open = $state<ConfirmRequest | null>(null);
  private resolve: ((answer: boolean) => void) | null = null;

  ask(request: ConfirmRequest): Promise<boolean> {
    this.resolve?.(false);
    this.open = request;
    return new Promise((resolve) => (this.resolve = resolve));
  }

  answer(value: boolean): void {
    this.resolve?.(value);
    this.resolve = null;
    this.open = null;
  }
}

export const confirmation = new Confirmation();
