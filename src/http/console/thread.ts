import { html, type Html } from './html';
import { when } from './pages';

/** One message of a conversation (as `conversation` in domain/history.ts returns it). */
export interface ThreadMessage {
  direction: 'in' | 'out';
  at: Date;
  text: string;
  status: string;
  detail: string | null;
}

/**
 * A conversation as a phone shows it, oldest at the top: the cardholder's texts on the left, ours
 * on the right, each of ours with its delivery status.
 */
export function thread(messages: readonly ThreadMessage[], label: string): Html {
  const ordered = [...messages].reverse();
  return html`<ol class="thread" aria-label="${label}">
    ${ordered.map(
      (m) =>
        html`<li class="bubble ${m.direction}">
          <p class="text">${m.text}</p>
          <p class="meta">
            <time datetime="${new Date(m.at).toISOString()}">${when(new Date(m.at))}</time>
            ${m.direction === 'out' ? html`<span class="status status-${m.status}">${m.status}</span>` : html`<span class="cmd">${m.detail ?? ''}</span>`}
          </p>
        </li>`,
    )}
  </ol>`;
}
