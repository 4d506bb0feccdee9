import { el } from './el.js';
import { localInputToIso } from './formatTime.js';
import { replaceParams } from './parseRoute.js';
import { run } from './run.js';
import { showError } from './setStatus.js';

/**
 * The "as of" form of the person and app pages. The time goes into the URL before it is shown, so
 * the replay can be bookmarked. With `missing`, an empty time is refused with that message; without
 * it, an empty time is passed on as undefined (now).
 */
export function asOfForm(field, show, missing) {
  return el(
    'form',
    {
      class: 'inline-form',
      onsubmit: (event) => {
        event.preventDefault();
        const iso = localInputToIso(field.input().value);
        if (!iso && missing) {
          showError(missing);
          field.input().focus();
          return;
        }
        replaceParams({ asOf: iso });
        run(event.submitter, () => show(iso));
      },
    },
    field.node,
    el('button', { type: 'submit', text: 'Show access' }),
  );
}
