import { api } from './api.js';

let appsCache;
/**
 * The app names, read once per page load: search and the export form both need them and they change
 * only with a deployment. A failed read is not kept, so the next view tries again.
 */
export async function listApps() {
  appsCache ??= api('apps').then((body) => body.apps || []);
  try {
    return await appsCache;
  } catch (error) {
    appsCache = undefined;
    throw error;
  }
}
