/** The hash router's one leave question (see useLeaveGuard): Stay is the safe default. */
import { usePendingLeave } from '../hooks/useHashRoute';
import { answerLeave } from '../router';
import { ConfirmDialog } from './ConfirmDialog';

export function LeavePrompt() {
  const pending = usePendingLeave();
  if (!pending) return null;
  return (
    <ConfirmDialog title={pending.question.title} confirmLabel="Leave" cancelLabel="Stay" tone="danger" onConfirm={() => answerLeave(true)} onCancel={() => answerLeave(false)}>
      {pending.question.body}
    </ConfirmDialog>
  );
}
