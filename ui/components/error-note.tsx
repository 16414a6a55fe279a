/** An error where it happened: the designer's sentence, the technical detail on hover. */
import { splitFriendly } from '../friendly-error';

export function ErrorNote({ message, testId }: { message: string; testId?: string }) {
  const { text, detail } = splitFriendly(message);
  return (
    <div class="inline-error" role="alert" data-testid={testId} title={detail ?? undefined}>
      {text}
      {detail && <small>{detail}</small>}
    </div>
  );
}
