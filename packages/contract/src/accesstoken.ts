import { Type, type Static } from '@sinclair/typebox';

/**
 * 200 answer of `POST /accesstoken/get`: every value a string; `expires_in` in seconds, `expires_on` and
 * `not_before` in epoch seconds. Source: contract 2.
 */
export const AccessTokenResponseSchema = Type.Object(
  {
    token_type: Type.Literal('Bearer'),
    expires_in: Type.String(),
    ext_expires_in: Type.String(),
    expires_on: Type.String(),
    not_before: Type.String(),
    resource: Type.String(),
    access_token: Type.String(),
  },
  {},
);
export type AccessTokenResponse = Static<typeof AccessTokenResponseSchema>;

/**
 * Error body of the Access Token API in the Azure AD shape of the 2018 spec (ATK18), e.g. `unauthorized_client`
 * with `error_codes: [70001]`. Source: contract 2 (Errors).
 */
export const AccessTokenErrorSchema = Type.Object(
  {
    error: Type.String(),
    error_description: Type.String(),
    error_codes: Type.Array(Type.Integer()),
    timestamp: Type.String(),
    trace_id: Type.String(),
    correlation_id: Type.String(),
  },
  {},
);
