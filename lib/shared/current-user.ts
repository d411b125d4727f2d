/**
 * `GET /dev/api/users/current-user`: who the credentials belong to. Shared by both strategies.
 */
import { AgileCRMResponseError } from '../http/errors';
import { apiError, isSuccess, readJSON } from '../http/response';
import { authorizationSecrets } from '../http/safe-text';
import { send, type RequestSettings } from '../http/transport';
import { parseUser, toProfile, type AgileCRMProfile } from './profile';

const LABEL = 'profile request';

/** How to reach the current-user endpoint of one account. */
export interface CurrentUserRequest extends RequestSettings {
  profileURL: string;
  /** The full `Authorization` header value (Bearer token or Basic email:key). */
  authorization: string;
  /** The account, recorded in the profile. */
  domain: string;
}

/**
 * Fetches the current user and builds the passport profile. Rejects with `AgileCRMAPIError`
 * (non-2xx), `AgileCRMResponseError` (unusable body) or `AgileCRMRequestError` (transport).
 */
export async function fetchProfile(request: CurrentUserRequest): Promise<AgileCRMProfile> {
  const response = await send({
    method: 'GET',
    url: request.profileURL,
    headers: { accept: 'application/json', authorization: request.authorization },
    label: LABEL,
    timeout: request.timeout,
    agent: request.agent,
  });
  if (!isSuccess(response.status)) {
    throw apiError(response, LABEL, authorizationSecrets(request.authorization));
  }
  const user = parseUser(readJSON(response, LABEL));
  if (!user) {
    throw new AgileCRMResponseError(
      `Agile CRM ${LABEL} returned JSON without a user id (HTTP ${response.status})`,
      response.status,
    );
  }
  return toProfile(user, response.body, request.domain);
}
