// Placeholder of the comments branch: boots the page so that the comment
// threads (comments.js) can be built and tested; the real consultation
// page module replaces it at merge.
import { boot, ready } from '../layout.js';

await boot();
ready();
