export { usePlatform, platformUrl, VIPPS_HOSTS, type UsePlatformOptions } from './testing.js';
export {
  VippsClient,
  VippsApiError,
  deriveIdempotencyKey,
  type VippsClientOptions,
  type RetryPolicy,
} from './client.js';
export {
  verifyWebhook,
  parseWebhook,
  WebhookVerificationError,
  type IncomingWebhook,
  type VerifyWebhookOptions,
  type WebhookVerification,
  type WebhookRejection,
} from './webhooks.js';
