/**
 * Text for figma.notify, which shows at most 100 characters (longer ones Figma truncates).
 * The whole text goes to the panel; the notification is the short form.
 */
import { LIMITS } from '../protocol/limits';

/** `text` unchanged when it fits in `max` characters, else cut at a word boundary with “…”. */
export function fitNotification(text: string, max: number = LIMITS.maxNotifyChars): string {
  if (text.length <= max) return text;
  const room = text.slice(0, max - 1);
  const space = room.lastIndexOf(' ');
  return `${(space > max / 2 ? room.slice(0, space) : room).trimEnd()}…`;
}

/** A notification that says more is in the panel, ≤ `max` characters in all. */
export function notificationWithMore(text: string, more: boolean, max: number = LIMITS.maxNotifyChars): string {
  const tail = more ? ' More in the Manifold panel.' : '';
  return fitNotification(text, max - tail.length) + tail;
}
