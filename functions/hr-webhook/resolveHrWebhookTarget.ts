import type { HrIngress } from '../../lib/application/Application.js';
import { HR_SOURCES, type HrSource } from '../../lib/domain/HrEvent.js';
import { HttpError } from '../../lib/http/HttpError.js';

/**
 * The source a delivery is for and its signing secret's name, from the method and path alone:
 * 405 for anything but POST, 404 for a source that is unknown or not enabled.
 */
export function resolveHrWebhookTarget(method: string, rawPath: string, secretNames: HrIngress['secretNames']): { source: HrSource; secretName: string } {
  if (method.toUpperCase() !== 'POST') throw new HttpError(405, 'Use POST', { allow: 'POST' });
  const source = /\/hooks\/hr\/([^/]+)\/?$/.exec(rawPath)?.[1] as HrSource | undefined;
  const secretName = source && HR_SOURCES.includes(source) ? secretNames[source] : undefined;
  if (!source || !secretName) throw new HttpError(404, 'No HR webhook is configured at this path');
  return { source, secretName };
}
