// Bootstrap of the web editor (/redaktion/), loaded before Sveltia CMS. A file, not an inline script: the
// page's Content-Security-Policy allows scripts from the site only.
"use strict";
