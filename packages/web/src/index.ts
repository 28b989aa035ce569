/** The web page's Node side: where the built static site is, and a 127.0.0.1 server for it (`ispkit web`). */
export { siteDir, siteBuilt } from './site-dir.js';
export { serveSite, type ServeOptions, type SiteServer } from './serve-site.js';
