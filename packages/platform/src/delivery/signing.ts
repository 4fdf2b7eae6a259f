/**
 * The signing of contract 4.4 is the client's: one implementation signs what the platform sends and what a
 * merchant's tests send, next to the verifier that checks both.
 */
export { httpDate, signRequest, signWebhook, type SignInput, type SignedHeaders } from '@betal/client';
