// SPDX-License-Identifier: AGPL-3.0-or-later
// Pages whose content is in their HTML (accessibility statement, privacy,
// support, 404): the frame, the text in the page's language, and the title.
import { boot, ready, setTitle } from '../layout.js';

const h1 = document.querySelector('h1[data-i18n]');
await boot({ titleKey: h1 ? h1.dataset.i18n : undefined });
if (h1) setTitle(h1.textContent);
ready();
