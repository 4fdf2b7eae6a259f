export { usePlatform, platformUrl, VIPPS_HOSTS, type UsePlatformOptions } from './testing.js';
export {
  VippsClient,
  VippsApiError,
  deriveIdempotencyKey,
  type VippsClientOptions,
  type RetryPolicy,
} from './client.js';
export {
  signWebhook,
  signRequest,
  httpDate,
  type SignInput,
  type SignedHeaders,
  verifyWebhook,
  parseWebhook,
  WebhookVerificationError,
  type IncomingWebhook,
  type VerifyWebhookOptions,
  type WebhookVerification,
  type WebhookRejection,
} from './webhooks.js';
export { CustomerApp, CustomerAppError, type CustomerAppOptions } from './customer-app.js';
