import { bambooHrWebhookSource } from './bamboohr/BambooHrWebhookSource.js';
import { hiBobWebhookSource } from './hibob/HiBobWebhookSource.js';
import type { HrSource, HrWebhookSource } from '../domain/HrEvent.js';
import { personioWebhookSource } from './personio/PersonioWebhookSource.js';
import { ripplingWebhookSource } from './rippling/RipplingWebhookSource.js';
import { standardWebhookSource } from './standard/StandardWebhookSource.js';
import { workdayWebhookSource } from './workday/WorkdayWebhookSource.js';

/** Every HR source `POST /hooks/hr/{source}` accepts; the Record type makes a missing one a compile error. */
export const hrWebhookSources: Readonly<Record<HrSource, HrWebhookSource>> = {
  bamboohr: bambooHrWebhookSource,
  hibob: hiBobWebhookSource,
  personio: personioWebhookSource,
  rippling: ripplingWebhookSource,
  workday: workdayWebhookSource,
  standard: standardWebhookSource,
};
