/**
 * The announcement form: POST /api/admin/announcements {message, level}; every connected
 * client gets an `announcement` message.
 * @module admin/announce
 */
import { explain } from '../ui/api.js';
import { $, setText } from '../ui/dom.js';

/** @param {HTMLFormElement} form @param {ReturnType<import('../ui/api.js').createApi>} api */
export function announceForm(form, api) {
  const result = $('.form-result', form);
  const button = $('button[type=submit]', form);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    button.disabled = true;
    try {
      const answer = await api.post('/api/admin/announcements', { message: form.elements.message.value.trim(), level: form.elements.level.value });
      result.dataset.tone = 'ok';
      setText(result, `Sent to ${answer?.delivered_to ?? 'every'} connection${answer?.delivered_to === 1 ? '' : 's'}`);
      form.elements.message.value = '';
    } catch (error) {
      result.dataset.tone = 'error';
      setText(result, explain(error));
    } finally {
      button.disabled = false;
    }
  });
}
