/**
 * The "send a test event" form: POST /api/events with {channel, type, status, payload}.
 * The new row arrives like any other, through the live connection.
 * @module dashboard/send
 */
import { $, setText } from '../ui/dom.js';
import { explain } from '../ui/api.js';

/** @param {HTMLFormElement} form @param {ReturnType<import('../ui/api.js').createApi>} api @param {string} channel default */
export function sendForm(form, api, channel) {
  const result = $('.form-result', form);
  const button = $('button[type=submit]', form);
  form.elements.channel.value ||= channel;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = form.elements;
    let payload;
    try {
      payload = f.payload.value.trim() ? JSON.parse(f.payload.value) : {};
      if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw new Error('not an object');
    } catch {
      return report('error', 'The payload must be a JSON object, e.g. {"order": 42}.');
    }
    button.disabled = true;
    try {
      const event = await api.post('/api/events', { channel: f.channel.value.trim(), type: f.type.value.trim(), status: f.status.value, payload });
      report('ok', `Created seq ${event.seq} on ${event.channel} (${event.id.slice(0, 8)})`);
    } catch (error) {
      report('error', explain(error));
    } finally {
      button.disabled = false;
    }
  });

  function report(tone, text) {
    result.dataset.tone = tone;
    setText(result, text);
  }
}
