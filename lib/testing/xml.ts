/**
 * XML answers: Agile CRM's REST API answers XML unless the request asks for JSON.
 */
import { escapeXML } from './html';
import { ExactInteger, type Value } from './json-text';

/**
 * True when the `Accept` header lists `application/json` (with a non-zero quality). Anything
 * else, including no header and `*\/*`, gets XML, as from Agile CRM.
 */
export function wantsJSON(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  return accept.split(',').some((range) => {
    const [type, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const zero = params.some((param) => /^q=0(?:\.0*)?$/.test(param));
    return type === 'application/json' && !zero;
  });
}

/**
 * Writes `value` as an XML document whose root element is `root`. Arrays repeat their element:
 * the items of a top-level array are `item` elements, an array field repeats the field's element.
 */
export function toXMLText(root: string, value: Value, item = 'item'): string {
  const body = Array.isArray(value)
    ? value.map((entry) => element(item, entry)).join('')
    : content(value);
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><${root}>${body}</${root}>`;
}

function element(name: string, value: Value): string {
  return `<${name}>${content(value)}</${name}>`;
}

function content(value: Value): string {
  if (value === null) return '';
  if (value instanceof ExactInteger) return value.digits;
  if (Array.isArray(value)) return value.map((entry) => element('item', entry)).join('');
  if (typeof value === 'object') {
    return Object.entries(value)
      .map(([name, field]) => {
        if (field === undefined) return '';
        if (Array.isArray(field)) return field.map((entry) => element(name, entry)).join('');
        return element(name, field);
      })
      .join('');
  }
  return escapeXML(String(value));
}
