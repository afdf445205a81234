import { priceEntities } from '../limits/cost.js';
import { withFreshDirective } from '../store/freshness.js';
import { builder } from './builder.js';
import './scalars.js';
import './enums.js';
import './errors.js';
import './source.js';
import './device.js';
import './recording.js';
import './stream.js';
import './snapshot.js';
import './share.js';
import './query.js';
import './viewer.js';
import './subscription.js';
import './health.js';
import './command.js';
import './mutations/device-control.js';
import './mutations/device-maintenance.js';
import './mutations/settings.js';
import './mutations/pairing.js';
import './mutations/recordings.js';
import './mutations/shares.js';
import './mutations/cameras.js';
import './mutations/camera-test.js';
import './mutations/snapshots.js';
import './mutations/fleet-command.js';
import './webhooks.js';
import './catalog.js';
import './entities.js';

export const schema = priceEntities(
  withFreshDirective(
    builder.toSubGraphSchema({
      linkUrl: 'https://specs.apollo.dev/federation/v2.6',
      federationDirectives: ['@key', '@shareable'],
    }),
  ),
);
