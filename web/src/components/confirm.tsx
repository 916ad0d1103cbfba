/**
 * A confirmation before anything that changes nodes or approves a change: a modal `<dialog>`,
 * so the keyboard is held inside it, Escape cancels, and focus goes back to the button that
 * opened it when it closes. Cancel has the focus first: Enter alone never confirms.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';

export function ConfirmDialog({
  open,
  title,
  confirmLabel,
  onConfirm,
  onClose,
  children,
}: {
  open: boolean;
  title: string;
  confirmLabel: string;
  onConfirm: () => void;
  /** Called whenever the dialog closes (after onConfirm when confirmed). */
  onClose: () => void;
  children: ComponentChildren;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.returnValue = '';
      dialog.showModal();
    } else if (!open && dialog.open) dialog.close();
  }, [open]);
  const closed = () => {
    if (ref.current?.returnValue === 'confirm') onConfirm();
    onClose();
  };
  return (
    <dialog ref={ref} class="confirm" aria-labelledby={titleId} onClose={closed} data-confirm>
      {/* method=dialog: either button closes the dialog, its value says which. */}
      <form method="dialog">
        <h2 id={titleId}>{title}</h2>
        {children}
        <div class="dialog-buttons">
          <button type="submit" value="cancel" autoFocus>
            Cancel
          </button>
          <button type="submit" value="confirm" class="primary">
            {confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
