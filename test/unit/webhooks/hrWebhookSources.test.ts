import { describe, expect, it } from 'vitest';
import { HR_SOURCES } from '../../../lib/domain/HrEvent.js';
import { hrWebhookSources } from '../../../lib/webhooks/hrWebhookSources.js';

describe('hrWebhookSources', () => {
  it.each(HR_SOURCES)('routes %s to the source that names itself so', (source) => {
    // Act
    const webhookSource = hrWebhookSources[source];

    // Assess
    expect(webhookSource.source).toBe(source);
  });

  it('has exactly one source per documented route', () => {
    // Act
    const keys = Object.keys(hrWebhookSources).sort();

    // Assess
    expect(keys).toEqual([...HR_SOURCES].sort());
  });
});
