/**
 * Desktop notifications for failed events, only while the tab is hidden (when it is
 * visible the table already shows them) and only once the user allowed them.
 * @module dashboard/notify
 */
import { setText } from '../ui/dom.js';

/** @param {{status: string}} event @param {{status?: string}|undefined} before @returns {boolean} */
export function newlyFailed(event, before) {
  return event.status === 'failed' && before?.status !== 'failed';
}

/**
 * @param {HTMLButtonElement} button asks for the permission
 * @returns {(event: object) => void} call with each created or changed event that newly failed
 */
export function failureNotifier(button) {
  const supported = 'Notification' in window;
  const label = () => {
    const p = supported ? Notification.permission : 'unsupported';
    setText(button, { granted: 'Notifications on', denied: 'Notifications blocked', unsupported: 'No notifications' }[p] ?? 'Notify me of failures');
    button.disabled = p !== 'default';
    button.title = 'A desktop notification for every new failed event while this tab is in the background';
  };
  button.addEventListener('click', () => Notification.requestPermission().then(label, label));
  label();
  return (event) => {
    if (!supported || !document.hidden || Notification.permission !== 'granted') return;
    new Notification(`Failed: ${event.type}`, { body: `channel ${event.channel} · seq ${event.seq}`, tag: event.id });
  };
}
