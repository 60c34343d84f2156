/**
 * A message's text as a paragraph: set only as text (markup a stranger sends shows literally), and laid
 * out in the direction of its own first strong letter (`dir="auto"`), so a line in Arabic or Hebrew reads
 * right to left inside an English or Chinese page, and mixed lines keep their words in order.
 */
import { element } from './dom.js';

export function messageText(content: string): HTMLParagraphElement {
  const text = element('p', 'message-text', content);
  text.dir = 'auto';
  return text;
}
