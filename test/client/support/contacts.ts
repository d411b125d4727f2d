/**
 * Contact bodies shaped like the samples in Agile CRM's REST API README (agilecrm/rest-api):
 * ids are bare 64-bit JSON numbers, the next page's cursor rides on the last contact, and the
 * owner is a user object.
 */

export const OWNER_JSON =
  '{"id":6263975862861824123,"domain":"acme","email":"dana@acme.example","name":"Dana Demo","pic":"https://cdn.example/dana.png"}';

/** One contact as Agile CRM writes it; `id` is a decimal string written as a bare number. */
export function contactJSON(
  id: string,
  first: string,
  last: string,
  email: string,
  extra: { cursor?: string; count?: number } = {},
): string {
  const tail =
    (extra.count === undefined ? '' : `,"count":${extra.count}`) +
    (extra.cursor === undefined ? '' : `,"cursor":${JSON.stringify(extra.cursor)}`);
  return (
    `{"id":${id},"type":"PERSON","created_time":1466591410,"updated_time":1466591422,` +
    `"star_value":4,"lead_score":92,"tags":["Lead","Likely Buyer"],` +
    `"tagsWithTime":[{"tag":"Lead","createdTime":1466591410000}],"properties":[` +
    `{"type":"SYSTEM","name":"first_name","value":${JSON.stringify(first)}},` +
    `{"type":"SYSTEM","name":"last_name","value":${JSON.stringify(last)}},` +
    `{"type":"SYSTEM","name":"email","subtype":"work","value":${JSON.stringify(email)}},` +
    `{"type":"SYSTEM","name":"address","value":"{\\"city\\":\\"Mumbai\\",\\"country\\":\\"IN\\"}"},` +
    `{"type":"CUSTOM","name":"Plan","value":"Pro"}],` +
    `"owner":${OWNER_JSON}${tail}}`
  );
}

/** A JSON array body of contacts. */
export function page(...contacts: string[]): string {
  return `[${contacts.join(',')}]`;
}
