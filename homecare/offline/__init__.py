"""The tablet app: installable, and working without signal for the day's work.

The server side is small: the service worker's script at the site's root (its scope),
a fallback page for a page not kept on the device, and the signed-in person's session
facts the page script needs to send its queue. The rest is ``static/js/offline.js``
(the queue, in IndexedDB) and ``static/js/sw.js`` (the page cache).
"""
